package lbc

import (
	"errors"
	"fmt"
	"maps"
	"slices"

	"github.com/fargatekit/fargatekit/internal/partition"
)

// PublicImageRepository is the controller image in Amazon ECR Public, the
// chart's default.
const PublicImageRepository = "public.ecr.aws/eks/aws-load-balancer-controller"

// ImageSource chooses where the controller's pods pull their image from.
// The empty source is the partition's default (ImageSourceFor): ECR Public in
// the commercial partition, the region's Amazon EKS registry in aws-cn and
// aws-us-gov.
type ImageSource string

const (
	// ImagePublic pulls from Amazon ECR Public (PublicImageRepository), the
	// chart's default. It needs a route to the internet (a NAT gateway from
	// Fargate's private subnets). Refused in aws-cn: ECR Public does not
	// serve the China regions (ErrImageUnreachable).
	ImagePublic ImageSource = "public"
	// ImageRegional pulls from the Amazon EKS add-on registry of the cluster's
	// region (<account>.dkr.ecr.<region>.<suffix>/amazon/aws-load-balancer-controller),
	// reachable through an ECR interface VPC endpoint: for private clusters,
	// and the default in aws-cn and aws-us-gov.
	ImageRegional ImageSource = "regional"
)

// ErrImageUnreachable is wrapped when the image source cannot serve the
// cluster's region: ECR Public (public.ecr.aws) in the China regions, whose
// clusters pull the controller from the region's Amazon EKS registry.
var ErrImageUnreachable = errors.New("lbc: the controller image is not reachable from this region")

// ImageSourceFor returns the source the empty ImageSource means in a region:
// ImagePublic in the aws partition, ImageRegional in aws-cn and aws-us-gov
// (the registries the Amazon EKS documentation gives for those partitions'
// controller installs; see the table of eksRegistryAccounts).
func ImageSourceFor(region string) (ImageSource, error) {
	p, err := partition.ForRegion(region)
	if err != nil {
		return "", fmt.Errorf("lbc: image source: %w", err)
	}
	if p.ID == "aws" {
		return ImagePublic, nil
	}
	return ImageRegional, nil
}

// ImageRepository returns the controller image repository of a source in a
// region ("" resolves through ImageSourceFor). ImagePublic in aws-cn wraps
// ErrImageUnreachable; ImageRegional in a region without a known registry
// wraps ErrInvalidSpec.
func ImageRepository(source ImageSource, region string) (string, error) {
	p, err := partition.ForRegion(region)
	if err != nil {
		return "", fmt.Errorf("lbc: image repository: %w", err)
	}
	if source == "" {
		source, _ = ImageSourceFor(region)
	}
	switch source {
	case ImagePublic:
		if p.ID == "aws-cn" {
			return "", fmt.Errorf("%w: %s is in %s, which ECR Public (%s) does not serve; use the regional image (%s)",
				ErrImageUnreachable, region, p.ID, PublicImageRepository, ImageRegional)
		}
		return PublicImageRepository, nil
	case ImageRegional:
		return RegionalImageRepository(region)
	}
	return "", fmt.Errorf("%w: image source %q is neither public nor regional", ErrInvalidSpec, source)
}

// eksRegistryAccounts maps each region to the account of its Amazon EKS add-on
// image registry, from the Amazon EKS User Guide page "View Amazon container
// image registries for Amazon EKS add-ons" (add-ons-images). That page lists
// ap-east-2's registry under the ap-east-1 host name; the registry is
// regional like every other, so RegionalImageRepository uses ap-east-2's own
// host. ap-southeast-5 is taken from the China-hosted copy of the same page.
// The controller image is published in each of them as
// amazon/aws-load-balancer-controller:<version>.
//
// The partitions other than aws, where ECR Public is not the default:
//
//	region          registry (amazon/aws-load-balancer-controller)      source
//	cn-north-1      918309763551.dkr.ecr.cn-north-1.amazonaws.com.cn     EKS User Guide (China), "Install AWS Load Balancer Controller with Helm": image.repository for the Beijing and Ningxia Regions
//	cn-northwest-1  961992271922.dkr.ecr.cn-northwest-1.amazonaws.com.cn add-ons-images (China)
//	us-gov-west-1   013241004608.dkr.ecr.us-gov-west-1.amazonaws.com     add-ons-images
//	us-gov-east-1   151742754352.dkr.ecr.us-gov-east-1.amazonaws.com     add-ons-images
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
