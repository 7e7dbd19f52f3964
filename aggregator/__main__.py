from aggregator.cli._app import main

main()
