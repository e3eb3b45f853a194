"""The report builder and the gradreport command line."""
