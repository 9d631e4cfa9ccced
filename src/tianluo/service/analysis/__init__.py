"""Read-only views of the results for the workbench: statistics, profiles, trees, traces."""
