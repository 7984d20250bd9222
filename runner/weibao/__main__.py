from weibao.cli import main

main()
