// Package integration holds fargatekit's end-to-end tests; it has no code of
// its own.
//
// kube_suite_test.go runs authmap, irsa and lbc together against a real
// kube-apiserver (internal/kubetest, started by integration/kube/up.sh):
// aws-auth merged by concurrent writers, an IRSA ServiceAccount verified with a
// real projected token, the controller installed with the Helm SDK and torn
// down after its Ingress's finalizer is cleared. It runs in `make test`.
//
// aws_e2e_test.go deploys the examples to a real AWS account through the
// Pulumi Automation API and destroys them again. It runs only when AWS
// credentials are present and FARGATEKIT_AWS_E2E=1; otherwise it skips with
// one line saying what it needs. See the README's "Integration suite" section.
package integration
