"""Runs a Metaflow command with its stderr joined to stdout, then becomes that command.

    python modelship_metaflow_exec.py FLOW_FILE ARGS...

Metaflow writes its progress (`Task is starting.`, step logs) to stderr. Joined to stdout, the
caller shows those lines as progress, not as warnings; errors are still the last lines of output.
"""
import os
import sys

os.dup2(1, 2)
os.execv(sys.executable, [sys.executable] + sys.argv[1:])
