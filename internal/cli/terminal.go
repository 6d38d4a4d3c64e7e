package cli

import "github.com/seaworthy-k8s/seaworthy/report"

// outputTerminal says whether the report goes to a terminal and how wide
// it is (a variable so tests can render as a terminal would).
var outputTerminal = report.Terminal
