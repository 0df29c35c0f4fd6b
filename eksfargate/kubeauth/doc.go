// Package kubeauth authenticates to EKS clusters natively in Go: it makes the
// bearer tokens EKS accepts, the ExecCredential that kubectl's exec plugins
// print, kubeconfigs, and client-go *rest.Config values, without the aws CLI.
package kubeauth
