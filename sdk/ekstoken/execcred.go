package ekstoken

import (
	"encoding/json"
	"time"
)

// The client.authentication.k8s.io versions an ExecCredential can be printed in.
const (
	ExecCredentialV1Beta1 = "client.authentication.k8s.io/v1beta1"
	ExecCredentialV1      = "client.authentication.k8s.io/v1"
)

// ExecCredential is what an exec credential plugin prints: exactly the fields
// "aws eks get-token" prints, in its order, so fargatekit's output drops into
// kubeconfigs written for the aws CLI.
type ExecCredential struct {
	// Kind is always "ExecCredential".
	Kind string `json:"kind"`
	// APIVersion is ExecCredentialV1Beta1 or ExecCredentialV1.
	APIVersion string `json:"apiVersion"`
	// Spec is empty, as the aws CLI prints it.
	Spec struct{} `json:"spec"`
	// Status carries the token.
	Status ExecCredentialStatus `json:"status"`
}

// ExecCredentialStatus carries the token and its expiry.
type ExecCredentialStatus struct {
	// ExpirationTimestamp is RFC 3339 in UTC with whole seconds.
	ExpirationTimestamp string `json:"expirationTimestamp"`
	// Token is the bearer token.
	Token string `json:"token"`
}

// NewExecCredential wraps tok for printing in apiVersion ("" means v1beta1).
func NewExecCredential(tok Token, apiVersion string) ExecCredential {
	if apiVersion == "" {
		apiVersion = ExecCredentialV1Beta1
	}
	return ExecCredential{
		Kind:       "ExecCredential",
		APIVersion: apiVersion,
		Status: ExecCredentialStatus{
			ExpirationTimestamp: tok.Expiration.UTC().Truncate(time.Second).Format(time.RFC3339),
			Token:               tok.Value,
		},
	}
}

// MarshalExecCredential returns the JSON of NewExecCredential(tok,
// apiVersion) followed by a newline, as an exec plugin prints it.
func MarshalExecCredential(tok Token, apiVersion string) []byte {
	b, _ := json.Marshal(NewExecCredential(tok, apiVersion)) // strings only: cannot fail
	return append(b, '\n')
}

// ExecInfoAPIVersion returns the ExecCredential version client-go asked for
// in the KUBERNETES_EXEC_INFO environment variable (its value is passed in):
// v1 or v1beta1, and v1beta1 when it is empty, malformed or names another
// version, as "aws eks get-token" does.
func ExecInfoAPIVersion(execInfo string) string {
	if execInfo == "" {
		return ExecCredentialV1Beta1
	}
	var info struct {
		APIVersion string `json:"apiVersion"`
	}
	if json.Unmarshal([]byte(execInfo), &info) == nil && info.APIVersion == ExecCredentialV1 {
		return ExecCredentialV1
	}
	return ExecCredentialV1Beta1
}
