from tianluo.cli.app import main

main()
