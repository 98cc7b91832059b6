"""`python -m mirrorhunt` runs the command line."""

from mirrorhunt.cli.app import main

main()
