package main

tier = "prod" {
	input.metadata.labels.env == "production"
} else = "staging" {
	input.metadata.labels.env == "staging"
} else = "dev"

deny_tier[msg] {
	tier == "prod"
	not input.metadata.labels.owner
	msg := sprintf("%s: production objects need an owner", [input.metadata.name])
}
