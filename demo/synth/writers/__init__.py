"""Writers: how each kind of source system holds the demo world's data.

Each module writes canonical frames (contracts.md §2, strings, "" for empty, planted defects
included) in the native shape of one kind of source — a CSV drop, an e-Kinerja .xlsx export,
the files an API simulator serves, an application database — so that the matching connector in
etl/sources/ reads them back.
"""
