package main

deny contains msg if {
  v := 1 / 3 * 3 == 1
  msg := sprintf("%s => %v", ["1 / 3 * 3 == 1", v])
}

deny contains msg if {
  v := 1 / 3 == 0.33333333333333333334
  msg := sprintf("%s => %v", ["1 / 3 == 0.33333333333333333334", v])
}

deny contains msg if {
  v := 1 / 3 == 0.3333333333333333
  msg := sprintf("%s => %v", ["1 / 3 == 0.3333333333333333", v])
}

deny contains msg if {
  v := 2 / 3 + 1 / 3 == 1
  msg := sprintf("%s => %v", ["2 / 3 + 1 / 3 == 1", v])
}

deny contains msg if {
  v := 1.1 + 2.2 == 3.3
  msg := sprintf("%s => %v", ["1.1 + 2.2 == 3.3", v])
}

deny contains msg if {
  v := 1.1 + 2.2 == 3.3000000000000000002
  msg := sprintf("%s => %v", ["1.1 + 2.2 == 3.3000000000000000002", v])
}

deny contains msg if {
  v := 3 * 1.1 == 3.3
  msg := sprintf("%s => %v", ["3 * 1.1 == 3.3", v])
}

deny contains msg if {
  v := 1 - 0.9 == 0.1
  msg := sprintf("%s => %v", ["1 - 0.9 == 0.1", v])
}

deny contains msg if {
  v := 0.1 + 0.2 == 0.3
  msg := sprintf("%s => %v", ["0.1 + 0.2 == 0.3", v])
}

deny contains msg if {
  v := 0.1 * 3 == 0.3
  msg := sprintf("%s => %v", ["0.1 * 3 == 0.3", v])
}

deny contains msg if {
  v := 0.1 * 0.1 == 0.01
  msg := sprintf("%s => %v", ["0.1 * 0.1 == 0.01", v])
}

deny contains msg if {
  v := 0.2 + 0.1 - 0.3 == 0
  msg := sprintf("%s => %v", ["0.2 + 0.1 - 0.3 == 0", v])
}

deny contains msg if {
  v := 10 / 3 == 3.3333333333333333333
  msg := sprintf("%s => %v", ["10 / 3 == 3.3333333333333333333", v])
}

deny contains msg if {
  v := 100 * 1.1 == 110
  msg := sprintf("%s => %v", ["100 * 1.1 == 110", v])
}

deny contains msg if {
  v := input.ratio * 3 == 0.3
  msg := sprintf("%s => %v", ["input.ratio * 3 == 0.3", v])
}

deny contains msg if {
  v := input.ratio + 0.2 == 0.3
  msg := sprintf("%s => %v", ["input.ratio + 0.2 == 0.3", v])
}

deny contains msg if {
  v := input.cpu * 2 == 3
  msg := sprintf("%s => %v", ["input.cpu * 2 == 3", v])
}

deny contains msg if {
  v := input.cpu / 3 == 0.5
  msg := sprintf("%s => %v", ["input.cpu / 3 == 0.5", v])
}

deny contains msg if {
  v := input.replicas / 2 == 1.5
  msg := sprintf("%s => %v", ["input.replicas / 2 == 1.5", v])
}

deny contains msg if {
  v := input.replicas / 3 * 3 == input.replicas
  msg := sprintf("%s => %v", ["input.replicas / 3 * 3 == input.replicas", v])
}

deny contains msg if {
  v := input.third * 3 == 1
  msg := sprintf("%s => %v", ["input.third * 3 == 1", v])
}

deny contains msg if {
  v := input.big + 1 == 9007199254740993
  msg := sprintf("%s => %v", ["input.big + 1 == 9007199254740993", v])
}

deny contains msg if {
  v := input.big + 0.5 == 9007199254740992.5
  msg := sprintf("%s => %v", ["input.big + 0.5 == 9007199254740992.5", v])
}

deny contains msg if {
  v := 2147483648 + 0.5 == 2147483648.5
  msg := sprintf("%s => %v", ["2147483648 + 0.5 == 2147483648.5", v])
}

deny contains msg if {
  v := 9007199254740993 + 0.5 == 9007199254740993.5
  msg := sprintf("%s => %v", ["9007199254740993 + 0.5 == 9007199254740993.5", v])
}

deny contains msg if {
  v := 9007199254740993 * 1.0 == 9007199254740993
  msg := sprintf("%s => %v", ["9007199254740993 * 1.0 == 9007199254740993", v])
}

deny contains msg if {
  v := abs(-123456789012345678901234567890) == 123456789012345678900000000000
  msg := sprintf("%s => %v", ["abs(-123456789012345678901234567890) == 123456789012345678900000000000", v])
}

deny contains msg if {
  v := abs(-123456789012345678901234567890) == 123456789012345678901234567890
  msg := sprintf("%s => %v", ["abs(-123456789012345678901234567890) == 123456789012345678901234567890", v])
}

deny contains msg if {
  v := 123456789012345678901234567890 / 10 == 12345678901234567890000000000
  msg := sprintf("%s => %v", ["123456789012345678901234567890 / 10 == 12345678901234567890000000000", v])
}

deny contains msg if {
  v := 123456789012345678901234567890 + 1 == 123456789012345678901234567891
  msg := sprintf("%s => %v", ["123456789012345678901234567890 + 1 == 123456789012345678901234567891", v])
}

deny contains msg if {
  v := 123456789012345678901234567890 * 3 == 370370367037037036703703703670
  msg := sprintf("%s => %v", ["123456789012345678901234567890 * 3 == 370370367037037036703703703670", v])
}

deny contains msg if {
  v := 123456789012345678901234567890 + 0.5 == 123456789012345678900000000000
  msg := sprintf("%s => %v", ["123456789012345678901234567890 + 0.5 == 123456789012345678900000000000", v])
}

deny contains msg if {
  v := round(123456789012345678901234567890.5) == 123456789012345678899921813504
  msg := sprintf("%s => %v", ["round(123456789012345678901234567890.5) == 123456789012345678899921813504", v])
}

deny contains msg if {
  v := round(18446744073709551615) == 18446744073709551616
  msg := sprintf("%s => %v", ["round(18446744073709551615) == 18446744073709551616", v])
}

deny contains msg if {
  v := round(0.49999999999999999999) == 1
  msg := sprintf("%s => %v", ["round(0.49999999999999999999) == 1", v])
}

deny contains msg if {
  v := round(-0.5) == -1
  msg := sprintf("%s => %v", ["round(-0.5) == -1", v])
}

deny contains msg if {
  v := round(2.5) == 3
  msg := sprintf("%s => %v", ["round(2.5) == 3", v])
}

deny contains msg if {
  v := ceil(-0.00000000000000000001) == 1
  msg := sprintf("%s => %v", ["ceil(-0.00000000000000000001) == 1", v])
}

deny contains msg if {
  v := floor(-1.00000000000000000001) == -1
  msg := sprintf("%s => %v", ["floor(-1.00000000000000000001) == -1", v])
}

deny contains msg if {
  v := ceil(2.0000000001) == 3
  msg := sprintf("%s => %v", ["ceil(2.0000000001) == 3", v])
}

deny contains msg if {
  v := floor(-2.5) == -3
  msg := sprintf("%s => %v", ["floor(-2.5) == -3", v])
}

deny contains msg if {
  v := product([0.1, 3]) == 0.30000000000000004
  msg := sprintf("%s => %v", ["product([0.1, 3]) == 0.30000000000000004", v])
}

deny contains msg if {
  v := product([0.1, 0.2]) == 0.02
  msg := sprintf("%s => %v", ["product([0.1, 0.2]) == 0.02", v])
}

deny contains msg if {
  v := product([123456789012345678901234567890, 3]) == 370370367037037036703703703670
  msg := sprintf("%s => %v", ["product([123456789012345678901234567890, 3]) == 370370367037037036703703703670", v])
}

deny contains msg if {
  v := product([123456789012345678901234567890, 0.5]) == 61728394506172840000000000000
  msg := sprintf("%s => %v", ["product([123456789012345678901234567890, 0.5]) == 61728394506172840000000000000", v])
}

deny contains msg if {
  v := sum([1 / 3, 1]) == 1.3333333333333333334
  msg := sprintf("%s => %v", ["sum([1 / 3, 1]) == 1.3333333333333333334", v])
}

deny contains msg if {
  v := sum([0.1, 0.2, 0.3]) == 0.6
  msg := sprintf("%s => %v", ["sum([0.1, 0.2, 0.3]) == 0.6", v])
}

deny contains msg if {
  v := sum([123456789012345678901234567890, 0.5]) == 123456789012345678900000000000
  msg := sprintf("%s => %v", ["sum([123456789012345678901234567890, 0.5]) == 123456789012345678900000000000", v])
}

deny contains msg if {
  v := sum([123456789012345678901234567890, 1]) == 123456789012345678901234567891
  msg := sprintf("%s => %v", ["sum([123456789012345678901234567890, 1]) == 123456789012345678901234567891", v])
}

deny contains msg if {
  v := format_int(123456789012345678901234567890.9, 16) == "18ee90ff6c373e0ee00000000"
  msg := sprintf("%s => %v", ["format_int(123456789012345678901234567890.9, 16) == \"18ee90ff6c373e0ee00000000\"", v])
}

deny contains msg if {
  v := format_int(123456789012345678901234567890, 10) == "123456789012345678901234567890"
  msg := sprintf("%s => %v", ["format_int(123456789012345678901234567890, 10) == \"123456789012345678901234567890\"", v])
}

deny contains msg if {
  v := format_int(-2.9, 16) == "-2"
  msg := sprintf("%s => %v", ["format_int(-2.9, 16) == \"-2\"", v])
}

deny contains msg if {
  v := to_number("0.33333333333333333334") == 1 / 3
  msg := sprintf("%s => %v", ["to_number(\"0.33333333333333333334\") == 1 / 3", v])
}

deny contains msg if {
  v := to_number("123456789012345678901234567890") == 123456789012345678901234567890
  msg := sprintf("%s => %v", ["to_number(\"123456789012345678901234567890\") == 123456789012345678901234567890", v])
}

deny contains msg if {
  v := to_number("12.50") == 12.5
  msg := sprintf("%s => %v", ["to_number(\"12.50\") == 12.5", v])
}

deny contains msg if {
  v := 1e30 + 0.5 == 1e30
  msg := sprintf("%s => %v", ["1e30 + 0.5 == 1e30", v])
}

deny contains msg if {
  v := 1e30 + 1 == 1000000000000000000000000000001
  msg := sprintf("%s => %v", ["1e30 + 1 == 1000000000000000000000000000001", v])
}

deny contains msg if {
  v := 0.30000000000000000001 == 0.3
  msg := sprintf("%s => %v", ["0.30000000000000000001 == 0.3", v])
}

deny contains msg if {
  v := 0.30000000000000000001 > 0.3
  msg := sprintf("%s => %v", ["0.30000000000000000001 > 0.3", v])
}

deny contains msg if {
  v := {0.1, 0.10, 1 / 10} == {0.1}
  msg := sprintf("%s => %v", ["{0.1, 0.10, 1 / 10} == {0.1}", v])
}

deny contains msg if {
  v := count({1 / 3, 0.33333333333333333334, 0.3333333333333333}) == 2
  msg := sprintf("%s => %v", ["count({1 / 3, 0.33333333333333333334, 0.3333333333333333}) == 2", v])
}

deny contains msg if {
  v := max([1 / 3, 0.3333333333333333]) == 1 / 3
  msg := sprintf("%s => %v", ["max([1 / 3, 0.3333333333333333]) == 1 / 3", v])
}

deny contains msg if {
  v := 1 / 3 > 0.3333333333333333
  msg := sprintf("%s => %v", ["1 / 3 > 0.3333333333333333", v])
}

deny contains msg if {
  v := 10 % 3.0 == 1
  msg := sprintf("%s => %v", ["10 % 3.0 == 1", v])
}

deny contains msg if {
  v := 1.5e300 * 1.5e300 > 1e600
  msg := sprintf("%s => %v", ["1.5e300 * 1.5e300 > 1e600", v])
}

deny contains msg if {
  msg := sprintf("%s => %s", ["sprintf(\"%v\", [1 / 3])", sprintf("%v", [1 / 3])])
}

deny contains msg if {
  msg := sprintf("%s => %s", ["sprintf(\"%v\", [1 / 3 * 1e-30])", sprintf("%v", [1 / 3 * 1e-30])])
}

deny contains msg if {
  msg := sprintf("%s => %s", ["sprintf(\"%v\", [2147483648 + 0.5])", sprintf("%v", [2147483648 + 0.5])])
}

deny contains msg if {
  msg := sprintf("%s => %s", ["sprintf(\"%v\", [9007199254740993 + 0.5])", sprintf("%v", [9007199254740993 + 0.5])])
}

deny contains msg if {
  msg := sprintf("%s => %s", ["sprintf(\"%v\", [123456789012345678901234567890 + 0.5])", sprintf("%v", [123456789012345678901234567890 + 0.5])])
}

deny contains msg if {
  msg := sprintf("%s => %s", ["sprintf(\"%v\", [10 / 4])", sprintf("%v", [10 / 4])])
}

deny contains msg if {
  msg := sprintf("%s => %s", ["sprintf(\"%.2f\", [1 / 3])", sprintf("%.2f", [1 / 3])])
}

deny contains msg if {
  msg := sprintf("%s => %s", ["sprintf(\"%v\", [0.000001 * 1])", sprintf("%v", [0.000001 * 1])])
}

deny contains msg if {
  msg := sprintf("%s => %s", ["sprintf(\"%v\", [1234567.5 * 1])", sprintf("%v", [1234567.5 * 1])])
}

deny contains msg if {
  msg := sprintf("%s => %s", ["sprintf(\"%v\", [[1 / 3, 1.1 + 2.2]])", sprintf("%v", [[1 / 3, 1.1 + 2.2]])])
}

deny contains msg if {
  msg := sprintf("%s => %s", ["sprintf(\"%v\", [input.cpu / 7])", sprintf("%v", [input.cpu / 7])])
}

deny contains msg if {
  v := (2 / 2) + (9007199254740992 / 10) == 900719925474100.2
  msg := sprintf("%s => %v", ["(2 / 2) + (9007199254740992 / 10) == 900719925474100.2", v])
}

deny contains msg if {
  v := input.tie == 900719925474099.2
  msg := sprintf("%s => %v", ["input.tie == 900719925474099.2", v])
}

deny contains msg if {
  v := input.tie + 1 == 900719925474100.2
  msg := sprintf("%s => %v", ["input.tie + 1 == 900719925474100.2", v])
}

deny contains msg if {
  msg := sprintf("%s => %s", ["sprintf(\"%v\", [(2 / 2) + (9007199254740992 / 10)])", sprintf("%v", [(2 / 2) + (9007199254740992 / 10)])])
}

deny contains msg if {
  msg := sprintf("%s => %s", ["sprintf(\"%v\", [input.tie])", sprintf("%v", [input.tie])])
}

deny contains msg if {
  msg := sprintf("%s => %s", ["sprintf(\"%v\", [[input.ratio, input.tiny, input.tie, 1 / 3]])", sprintf("%v", [[input.ratio, input.tiny, input.tie, 1 / 3]])])
}

deny contains msg if {
  msg := sprintf("%s => %s", ["sprintf(\"%v\", [{\"cpu\": input.cpu, \"t\": input.tiny}])", sprintf("%v", [{"cpu": input.cpu, "t": input.tiny}])])
}

deny contains msg if {
  v := input.tie2 == 0.0009775161743164062
  msg := sprintf("%s => %v", ["input.tie2 == 0.0009775161743164062", v])
}

deny contains msg if {
  v := count({input.tie2, 0.0009775161743164062})
  msg := sprintf("%s => %v", ["count({input.tie2, 0.0009775161743164062})", v])
}

deny contains msg if {
  v := to_number("+1") == 1
  msg := sprintf("%s => %v", ["to_number(\"+1\") == 1", v])
}

deny contains msg if {
  v := to_number(".5") * 2
  msg := sprintf("%s => %v", ["to_number(\".5\") * 2", v])
}

deny contains msg if {
  v := to_number("5.") + 1
  msg := sprintf("%s => %v", ["to_number(\"5.\") + 1", v])
}

deny contains msg if {
  v := to_number("00012") == 12
  msg := sprintf("%s => %v", ["to_number(\"00012\") == 12", v])
}

deny contains msg if {
  v := to_number("1_000") + 1
  msg := sprintf("%s => %v", ["to_number(\"1_000\") + 1", v])
}

deny contains msg if {
  v := to_number("-.5e1") == -5
  msg := sprintf("%s => %v", ["to_number(\"-.5e1\") == -5", v])
}
