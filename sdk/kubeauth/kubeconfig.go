package kubeauth

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/fargatekit/fargatekit/internal/atomicfile"
	"github.com/fargatekit/fargatekit/internal/installcmd"
	"github.com/fargatekit/fargatekit/sdk/ekstoken"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
)

// ExecAPIVersion is the client.authentication.k8s.io version the kubeconfigs
// written here ask their exec plugin for, as "aws eks update-kubeconfig" does.
const ExecAPIVersion = ekstoken.ExecCredentialV1Beta1

// fargatekitInstallHint starts what kubectl shows when the fargatekit
// binary is missing; the install command follows.
const fargatekitInstallHint = "fargatekit is needed to get EKS tokens: "

// EntryName returns the name of the kubeconfig cluster and user entries for
// spec, and of its context unless spec.Alias is set. Like "aws eks
// update-kubeconfig" it is the cluster ARN when spec.ClusterARN is known;
// otherwise it is "fargatekit_<region>_<cluster>" (the GKE-style name is
// unique per region and cannot collide with an ARN).
func EntryName(spec KubeconfigSpec) string {
	if spec.ClusterARN != "" {
		return spec.ClusterARN
	}
	return "fargatekit_" + spec.Region + "_" + spec.ClusterName
}

// ContextName returns the kubeconfig context name for spec: spec.Alias when
// set, else [EntryName].
func ContextName(spec KubeconfigSpec) string {
	if spec.Alias != "" {
		return spec.Alias
	}
	return EntryName(spec)
}

// ExecCommand returns the exec plugin command and arguments a kubeconfig for
// spec runs: "fargatekit token --cluster-name N --region R [--role-arn A]
// [--profile P]" or "aws --region R eks get-token --cluster-name N --output
// json [--role-arn A] [--profile P]". The profile is a flag, not only
// AWS_PROFILE in the plugin's environment: with AWS_PROFILE alone, static
// keys in the environment (AWS_ACCESS_KEY_ID) win over the profile and the
// token is silently signed by another identity; a --profile flag wins over
// them in both plugins.
func ExecCommand(spec KubeconfigSpec) (command string, args []string) {
	if spec.Exec == ExecAWS {
		command = "aws"
		args = []string{"--region", spec.Region, "eks", "get-token", "--cluster-name", spec.ClusterName, "--output", "json"}
	} else {
		command = "fargatekit"
		args = []string{"token", "--cluster-name", spec.ClusterName, "--region", spec.Region}
	}
	if spec.RoleARN != "" {
		args = append(args, "--role-arn", spec.RoleARN)
	}
	if spec.Profile != "" {
		args = append(args, "--profile", spec.Profile)
	}
	return command, args
}

// Config returns the kubeconfig for spec as a client-go config holding one
// cluster, one user (an exec plugin, never a static token) and one context,
// which is current.
func Config(spec KubeconfigSpec) (*clientcmdapi.Config, error) {
	if err := spec.Validate(); err != nil {
		return nil, err
	}
	ca, _ := decodeCA(spec.CAData) // checked by Validate
	command, args := ExecCommand(spec)
	exec := &clientcmdapi.ExecConfig{
		APIVersion:         ExecAPIVersion,
		Command:            command,
		Args:               args,
		InteractiveMode:    clientcmdapi.NeverExecInteractiveMode,
		ProvideClusterInfo: false,
	}
	if spec.Exec != ExecAWS {
		exec.InstallHint = fargatekitInstallHint + installcmd.Fargatekit("latest")
	}
	if spec.Profile != "" {
		exec.Env = []clientcmdapi.ExecEnvVar{{Name: "AWS_PROFILE", Value: spec.Profile}}
	}
	name, ctxName := EntryName(spec), ContextName(spec)
	cfg := clientcmdapi.NewConfig()
	cfg.Clusters[name] = &clientcmdapi.Cluster{Server: spec.Endpoint, CertificateAuthorityData: ca}
	cfg.AuthInfos[name] = &clientcmdapi.AuthInfo{Exec: exec}
	cfg.Contexts[ctxName] = &clientcmdapi.Context{Cluster: name, AuthInfo: name}
	cfg.CurrentContext = ctxName
	return cfg, nil
}

// RenderKubeconfig returns a complete kubeconfig (YAML, clientcmd v1 format)
// for spec. It is pure: the Pulumi component calls it inside ApplyT.
func RenderKubeconfig(spec KubeconfigSpec) (string, error) {
	cfg, err := Config(spec)
	if err != nil {
		return "", err
	}
	b, err := clientcmd.Write(*cfg)
	if err != nil {
		return "", fmt.Errorf("kubeauth: render kubeconfig: %w", err)
	}
	return string(b), nil
}

// Merge copies the clusters, users and contexts of entry into base, replacing
// entries of the same name and keeping every other entry, and makes entry's
// current context current. Base is modified in place.
func Merge(base, entry *clientcmdapi.Config) {
	for k, v := range entry.Clusters {
		base.Clusters[k] = v
	}
	for k, v := range entry.AuthInfos {
		base.AuthInfos[k] = v
	}
	for k, v := range entry.Contexts {
		base.Contexts[k] = v
	}
	if entry.CurrentContext != "" {
		base.CurrentContext = entry.CurrentContext
	}
}

// MergeKubeconfig merges the entry for spec into the kubeconfig document
// existing (which may be empty) and returns the result, as "aws eks
// update-kubeconfig" does: unrelated entries are kept, the cluster's entries
// replaced, and its context made current.
func MergeKubeconfig(existing []byte, spec KubeconfigSpec) ([]byte, error) {
	merged, _, err := mergeKubeconfig(existing, spec)
	return merged, err
}

// mergeKubeconfig is MergeKubeconfig that also reports whether existing had
// the cluster entry already.
func mergeKubeconfig(existing []byte, spec KubeconfigSpec) (merged []byte, existed bool, err error) {
	entry, err := Config(spec)
	if err != nil {
		return nil, false, err
	}
	base, err := clientcmd.Load(existing)
	if err != nil {
		return nil, false, fmt.Errorf("kubeauth: merge kubeconfig: existing config: %w", err)
	}
	_, existed = base.Clusters[EntryName(spec)]
	Merge(base, entry)
	merged, err = clientcmd.Write(*base)
	if err != nil {
		return nil, false, fmt.Errorf("kubeauth: merge kubeconfig: %w", err)
	}
	return merged, existed, nil
}

// UpdateKubeconfigFile merges the entry for spec into the kubeconfig file at
// path (created, with its directory, when missing) and returns the context
// name and whether the cluster entry existed before. Symlinks are followed;
// the file is replaced atomically and keeps its mode (0600 when new).
func UpdateKubeconfigFile(path string, spec KubeconfigSpec) (context string, existed bool, err error) {
	if path == "" {
		return "", false, fmt.Errorf("%w: empty kubeconfig path", ErrInvalidSpec)
	}
	if resolved, err := filepath.EvalSymlinks(path); err == nil {
		path = resolved
	}
	perm := fs.FileMode(0o600)
	existing, err := os.ReadFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return "", false, fmt.Errorf("kubeauth: update kubeconfig: %w", err)
	default:
		if st, err := os.Stat(path); err == nil {
			perm = st.Mode().Perm()
		}
	}
	merged, existed, err := mergeKubeconfig(existing, spec)
	if err != nil {
		return "", false, err
	}
	if err := atomicfile.WriteFile(path, merged, perm, true); err != nil {
		return "", false, fmt.Errorf("kubeauth: update kubeconfig: %w", err)
	}
	return ContextName(spec), existed, nil
}
