package main

deny contains "expires in March" if time.date(time.add_date(input.t, 0, 1, 0))[1] == 3
fail_march contains "x" if false
