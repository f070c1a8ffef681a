package legacy

deny = true {
	input.bad
}

warn {
	input.bad
}

violation[msg] {
	input.bad
	msg := "the v0 partial set still fires"
}
