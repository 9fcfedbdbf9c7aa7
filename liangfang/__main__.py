from liangfang.cli import main

main()
