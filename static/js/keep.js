// Keeps what is typed in a form in this browser (localStorage) until the server has
// acknowledged it, so that a dropped connection or a closed tab loses nothing. Driven by
// data- attributes, so that any form can use it:
//   <body data-keep-user="42">        the signed-in user; drafts of other users are wiped
//   <form data-keep="assessment:7"     what the form edits (one draft per user, key, version)
//         data-keep-version="3"       the version of the record the page shows
//         data-keep-offer="keep-offer"  the (hidden) element offering to restore a draft,
//                                     holding [data-keep-restore], [data-keep-discard] and
//                                     [data-keep-older] (shown for a draft of an older version)
//         data-keep-unsaved>           the page shows typed values the server refused
//   [data-keep-ack]                    on a page after a submission: the server saved it
//   <form data-keep-wipe>              submitting it (logging out) wipes every draft
// It also warns before leaving a page whose kept form has changes, except by submitting it.
(function () {
  "use strict";
  var PREFIX = "ntm-keep:";
  var store;
  try {
    store = window.localStorage;
    store.getItem(PREFIX);
  } catch (error) {
    return; // storage disabled: the page still works, without drafts
  }

  function keys() {
    var found = [];
    for (var i = 0; i < store.length; i++) {
      var key = store.key(i);
      if (key && key.indexOf(PREFIX) === 0) found.push(key);
    }
    return found;
  }

  function read(key) {
    try {
      return JSON.parse(store.getItem(key));
    } catch (error) {
      return null;
    }
  }

  function wipe(keep) {
    keys().forEach(function (key) {
      if (!keep || !keep(key)) store.removeItem(key);
    });
  }

  document.querySelectorAll("form[data-keep-wipe]").forEach(function (form) {
    form.addEventListener("submit", function () { wipe(); });
  });

  var user = document.body.getAttribute("data-keep-user");
  if (!user) return;
  var mine = PREFIX + user + ":";
  // Offices share computers: whoever signs in next never sees another user's figures.
  wipe(function (key) { return key.indexOf(mine) === 0; });

  // A submission marked its draft "pending"; this page is the answer to it. A success message
  // means the server saved it; anything else (errors, a conflict, a failure) keeps the draft.
  var acknowledged = document.querySelector("[data-keep-ack]") !== null;
  keys().forEach(function (key) {
    var draft = read(key);
    if (!draft || !draft.pending) return;
    if (acknowledged) {
      store.removeItem(key);
    } else {
      draft.pending = false;
      store.setItem(key, JSON.stringify(draft));
    }
  });

  function fieldsOf(form) {
    return Array.prototype.filter.call(form.elements, function (element) {
      if (!element.name || element.disabled || element.tagName === "BUTTON") return false;
      return ["hidden", "file", "submit", "button", "reset", "password"].indexOf(element.type) < 0;
    });
  }

  function idOf(element) {
    var choice = element.type === "checkbox" || element.type === "radio";
    return choice ? element.name + "=" + element.value : element.name;
  }

  function valueOf(element) {
    if (element.type === "checkbox" || element.type === "radio") return element.checked ? "1" : "";
    return element.value;
  }

  function initialOf(element) {
    if (element.type === "checkbox" || element.type === "radio") return element.defaultChecked ? "1" : "";
    if (element.tagName === "SELECT") {
      for (var i = 0; i < element.options.length; i++) {
        if (element.options[i].defaultSelected) return element.options[i].value;
      }
      return element.options.length ? element.options[0].value : "";
    }
    return element.defaultValue;
  }

  function setValue(element, value) {
    if (element.type === "checkbox" || element.type === "radio") element.checked = value === "1";
    else element.value = value;
    element.dispatchEvent(new Event("input", { bubbles: true }));
    element.dispatchEvent(new Event("change", { bubbles: true }));
  }

  function keep(form) {
    var base = mine + form.getAttribute("data-keep") + ":v";
    var version = form.getAttribute("data-keep-version") || "";
    var key = base + version;
    var offer = document.getElementById(form.getAttribute("data-keep-offer") || "");
    var submitting = false;

    // The fields whose value differs from what the page was served with.
    function changes() {
      var changed = {};
      fieldsOf(form).forEach(function (element) {
        if (valueOf(element) !== initialOf(element)) changed[idOf(element)] = valueOf(element);
      });
      return changed;
    }

    function write(pending) {
      var changed = changes();
      if (!Object.keys(changed).length) {
        store.removeItem(key);
        return;
      }
      store.setItem(key, JSON.stringify({ values: changed, at: Date.now(), pending: Boolean(pending) }));
    }

    // What a draft would change on the page as it is now.
    function differences(values) {
      var differ = {};
      fieldsOf(form).forEach(function (element) {
        var id = idOf(element);
        if (Object.prototype.hasOwnProperty.call(values, id) && values[id] !== valueOf(element)) {
          differ[id] = values[id];
        }
      });
      return differ;
    }

    var offered = null;
    keys().forEach(function (other) {
      if (other.indexOf(base) !== 0) return;
      var draft = read(other);
      if (!draft || !draft.values) {
        store.removeItem(other);
        return;
      }
      var differ = differences(draft.values);
      if (!Object.keys(differ).length) {
        if (other === key) return;
        // Already what the page shows. Under an older version it was saved, unless the page
        // shows typed values the server refused (a conflict): then it moves to this version.
        if (form.hasAttribute("data-keep-unsaved") && !store.getItem(key)) store.setItem(key, store.getItem(other));
        store.removeItem(other);
        return;
      }
      if (!offered || draft.at > offered.draft.at) offered = { key: other, draft: draft, values: differ };
    });

    if (offered && offer) {
      var older = offer.querySelector("[data-keep-older]");
      if (older) older.hidden = offered.key === key;
      offer.hidden = false;
      offer.querySelector("[data-keep-restore]").addEventListener("click", function () {
        fieldsOf(form).forEach(function (element) {
          var id = idOf(element);
          if (Object.prototype.hasOwnProperty.call(offered.values, id)) setValue(element, offered.values[id]);
        });
        if (offered.key !== key) store.removeItem(offered.key);
        write(false);
        offer.hidden = true;
      });
      offer.querySelector("[data-keep-discard]").addEventListener("click", function () {
        wipe(function (other) { return other.indexOf(base) !== 0; });
        offer.hidden = true;
      });
    }

    form.addEventListener("input", function () { write(false); });
    form.addEventListener("change", function () { write(false); });
    form.addEventListener("submit", function () {
      submitting = true;
      write(true);
      // The page stays if the answer is a download or never comes: warn again after that.
      window.setTimeout(function () { submitting = false; }, 2000);
    });
    window.addEventListener("beforeunload", function (event) {
      if (submitting || !Object.keys(changes()).length) return;
      event.preventDefault();
      event.returnValue = "";
    });
  }

  document.querySelectorAll("form[data-keep]").forEach(keep);
})();
