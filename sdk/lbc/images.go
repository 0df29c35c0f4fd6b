package lbc

import (
	"fmt"
	"maps"
	"slices"

	"github.com/fargatekit/fargatekit/internal/partition"
)

// PublicImageRepository is the controller image in Amazon ECR Public, the
// chart's default.
const PublicImageRepository = "public.ecr.aws/eks/aws-load-balancer-controller"

// ImageSource chooses where the controller's pods pull their image from.
type ImageSource string

const (
	// ImagePublic pulls from Amazon ECR Public (PublicImageRepository). It needs
	// a route to the internet (a NAT gateway from Fargate's private subnets).
	ImagePublic ImageSource = "public"
	// ImageRegional pulls from the Amazon EKS add-on registry of the cluster's
	// region (<account>.dkr.ecr.<region>.<suffix>/amazon/aws-load-balancer-controller),
	// reachable through an ECR interface VPC endpoint: for private clusters.
	ImageRegional ImageSource = "regional"
)

// eksRegistryAccounts maps each region to the account of its Amazon EKS add-on
// image registry, from the Amazon EKS User Guide page "View Amazon container
// image registries for Amazon EKS add-ons" (add-ons-images). That page lists
// ap-east-2's registry under the ap-east-1 host name; the registry is
// regional like every other, so RegionalImageRepository uses ap-east-2's own
// host. ap-southeast-5 is taken from the China-hosted copy of the same page.
var eksRegistryAccounts = map[string]string{
	"af-south-1":     "877085696533",
	"ap-east-1":      "800184023465",
	"ap-east-2":      "533267051163",
	"ap-northeast-1": "602401143452",
	"ap-northeast-2": "602401143452",
	"ap-northeast-3": "602401143452",
	"ap-south-1":     "602401143452",
	"ap-south-2":     "900889452093",
	"ap-southeast-1": "602401143452",
	"ap-southeast-2": "602401143452",
	"ap-southeast-3": "296578399912",
	"ap-southeast-4": "491585149902",
	"ap-southeast-5": "151610086707",
	"ap-southeast-6": "333609536671",
	"ap-southeast-7": "121268973566",
	"ca-central-1":   "602401143452",
	"ca-west-1":      "761377655185",
	"cn-north-1":     "918309763551",
	"cn-northwest-1": "961992271922",
	"eu-central-1":   "602401143452",
	"eu-central-2":   "900612956339",
	"eu-north-1":     "602401143452",
	"eu-south-1":     "590381155156",
	"eu-south-2":     "455263428931",
	"eu-west-1":      "602401143452",
	"eu-west-2":      "602401143452",
	"eu-west-3":      "602401143452",
	"il-central-1":   "066635153087",
	"me-central-1":   "759879836304",
	"me-south-1":     "558608220178",
	"mx-central-1":   "730335286997",
	"sa-east-1":      "602401143452",
	"us-east-1":      "602401143452",
	"us-east-2":      "602401143452",
	"us-gov-east-1":  "151742754352",
	"us-gov-west-1":  "013241004608",
	"us-west-1":      "602401143452",
	"us-west-2":      "602401143452",
}

// RegistryRegions lists the regions with a known Amazon EKS add-on registry, sorted.
func RegistryRegions() []string { return slices.Sorted(maps.Keys(eksRegistryAccounts)) }

// RegionalImageRepository returns the controller image repository in the
// Amazon EKS add-on registry of a region, e.g.
// 602401143452.dkr.ecr.us-west-2.amazonaws.com/amazon/aws-load-balancer-controller.
func RegionalImageRepository(region string) (string, error) {
	p, err := partition.ForRegion(region)
	if err != nil {
		return "", fmt.Errorf("lbc: image registry: %w", err)
	}
	acct, ok := eksRegistryAccounts[region]
	if !ok {
		return "", fmt.Errorf("%w: no Amazon EKS image registry known for region %s (set the image repository yourself)", ErrInvalidSpec, region)
	}
	return acct + ".dkr.ecr." + region + "." + p.DNSSuffix + "/amazon/" + ChartName, nil
}
