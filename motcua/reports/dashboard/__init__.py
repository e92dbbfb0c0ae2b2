"""The leaders' dashboard (/bao-cao/): selectors in selectors.py, workload.py and ontime.py; the
period and subtree every leaders' page reads from in scope.py."""
