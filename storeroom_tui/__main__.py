"""`python -m storeroom_tui` runs the `storeroom` command line."""

from storeroom_tui.launch import main

main()
