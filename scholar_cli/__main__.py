from scholar_cli.cli import main

main()
