"""Pure computation: tables, preprocessing, fitting, profiles, metrics, specs.

Nothing here imports ipywidgets or bqplot; everything is usable in a plain
Python shell and testable without a kernel or a browser.
"""
