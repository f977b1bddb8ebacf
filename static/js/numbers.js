// The one reader of typed numbers in the browser, the same rules as criteria/parsing.py:
// "2,21", "1.234,5", "2.21" and "1,234.5" are all numbers; a lone "1.234" groups thousands
// unless the value is a percentage. Both are checked against criteria/parsing_cases.json.
// Loaded before the page scripts that use it: NtmNumbers.parse(text, {percent: true}).
(function (root) {
  "use strict";
  var IGNORED = /[ \t\n\r\f\v\u00a0\u2007\u2009\u202f%]/g;
  var SHAPE = /^[+-]?[0-9][0-9.,]*$|^[+-]?[.,][0-9]+$/;

  function count(text, character) {
    return text.split(character).length - 1;
  }

  // Remove thousands separators, which must stand every three digits; null when they do not.
  function ungroup(whole, separator) {
    var sign = /^[+-]/.test(whole) ? whole[0] : "";
    var parts = whole.slice(sign.length).split(separator);
    if (parts[0].length < 1 || parts[0].length > 3) return null;
    for (var i = 1; i < parts.length; i++) if (parts[i].length !== 3) return null;
    return sign + parts.join("");
  }

  function separators(text, dotGroups) {
    var commas = count(text, ","), dots = count(text, ".");
    if (commas && dots) {
      var decimal = text.lastIndexOf(",") > text.lastIndexOf(".") ? "," : ".";
      var group = decimal === "," ? "." : ",";
      if (count(text, decimal) > 1 || text.indexOf(group) > text.indexOf(decimal)) return null;
      var halves = text.split(decimal), whole = ungroup(halves[0], group);
      return whole === null ? null : whole + "." + halves[1];
    }
    var separator = commas ? "," : dots ? "." : "";
    if (separator === "." && dots === 1 && dotGroups && ungroup(text, ".") !== null) return ungroup(text, ".");
    if (!separator || count(text, separator) === 1) return text.replace(",", ".");
    return ungroup(text, separator);
  }

  // The typed text as a plain decimal string ("1234.5"), or null when it is not a number.
  function normalise(text, options) {
    var percent = Boolean(options && options.percent);
    var cleaned = String(text === null || text === undefined ? "" : text).replace(IGNORED, "");
    if (!cleaned || !SHAPE.test(cleaned)) return null;
    return separators(cleaned, !percent);
  }

  // The typed text as a Number, or null when it is not a (finite) number.
  function parse(text, options) {
    var normalised = normalise(text, options);
    if (normalised === null) return null;
    var number = Number(normalised);
    return isFinite(number) ? number : null;
  }

  root.NtmNumbers = { normalise: normalise, parse: parse };
})(globalThis);
