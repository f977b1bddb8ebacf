"""Every figure the product shows, computed once (STYLE.md, "One path per figure").

- `scope`: a scope's communes for one set and year (statuses, criteria met, bands, title
  states, regressions) and the counts over them;
- `plans`: plans' progress, criterion deadlines, work progress, weekly report compliance;
- `targets`: a province's targets against its figures;
- `rollup`: the figures of a weekly roll-up, frozen as codes and numbers;
- `titles`: the recognitions in force that title states read;
- `lineage`: a commune's past across the 2025 reorganisation (predecessors and successors).

Dashboards, summary workbooks, the roll-up and its e-mail render what these compute.
"""
