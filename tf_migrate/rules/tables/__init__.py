"""Generated data tables; see scripts/ for their generators."""
