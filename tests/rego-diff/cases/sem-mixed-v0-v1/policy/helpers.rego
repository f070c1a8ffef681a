package helpers

import future.keywords.in

is_deployment {
	input.kind in ["Deployment", "StatefulSet"]
}
