"""The reports app's pages, one module per job: dashboards, units (the commune and village
pages), exports, imports and rollups. Nothing is imported here; reports/urls.py names each
module."""
