"""One module per CLI command: ``run(args) -> exit code``. Opening the store is ``cli.open_cli_store``."""
