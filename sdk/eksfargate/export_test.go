package eksfargate

// LoggingNamespaceForTest makes Apply and Plan put the Fargate logging
// ConfigMap in ns instead of aws-observability: every package's tests share
// one API server, where a deleted namespace stays Terminating.
func LoggingNamespaceForTest(ns string) RunOption {
	return func(c *runConfig) { c.loggingNamespace = ns }
}
