"""The command line of both programs: options, the error boundary, one module per command.

A thin layer over backprop/: it reads options, calls backprop to compute, hands the
results to report/ or tui/ to format, and turns every error a user can cause into one
sentence and an exit status.
"""
