// fargate-alb in TypeScript: the Go example examples/fargate-alb, written
// against the fargatekit Pulumi package (the same Go components, served by
// the provider in provider/). See README.md.
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import * as fargatekit from "@fargatekit/fargatekit";

const config = new pulumi.Config();
const stack = pulumi.getStack();
const namespace = config.get("namespace") ?? "game-2048";
const replicas = config.getNumber("replicas") ?? 2;
const image = config.get("image") ?? "public.ecr.aws/l6m2t8p7/docker-2048:latest";
const certificateArn = config.get("certificateArn");
const deregistrationDelay = config.getNumber("deregistrationDelaySeconds") ?? 30;
const tags: Record<string, string> = {
    ...(config.getObject<Record<string, string>>("tags") ?? {}),
    "fargatekit:example": "fargate-alb",
    "fargatekit:stack": stack,
};

// The cluster: a VPC, the roles, EKS, its OIDC provider, one profile for
// kube-system and default and one for the game's namespace, CoreDNS on
// Fargate, and a kubeconfig whose exec plugin is `fargatekit token`.
const cluster = new fargatekit.eksfargate.FargateCluster("fargate-alb", {
    clusterName: config.get("clusterName") ?? `fargate-alb-${stack}`,
    kubernetesVersion: config.get("kubernetesVersion"),
    vpc: { singleNatGateway: config.getBoolean("singleNatGateway") ?? true },
    fargateProfiles: [
        { name: "fp-default", selectors: [{ namespace: "kube-system" }, { namespace: "default" }] },
        { name: "app", selectors: [{ namespace }] },
    ],
    tags,
});

// The AWS Load Balancer Controller, given the cluster as plain data: its
// clusterRef resolves once the cluster (CoreDNS included) is constructed.
const controller = new fargatekit.lbc.LBCRelease("lbc", {
    cluster: cluster.clusterRef,
    version: config.get("lbcVersion"),
    defaultTags: tags,
});

const provider = new k8s.Provider("fargate-alb", { kubeconfig: cluster.kubeconfig });

// The label makes the controller inject pod readiness gates: a rollout
// waits until new pods are healthy targets.
const ns = new k8s.core.v1.Namespace(namespace, {
    metadata: { name: namespace, labels: { "elbv2.k8s.aws/pod-readiness-gate-inject": "enabled" } },
}, { provider });

const labels = { "app.kubernetes.io/name": "game-2048" };
// The preStop sleep and grace period for the deregistration delay, from the
// package's function (Go's lbc Termination): the sleep covers the load
// balancer's propagation and the delay; the grace period adds the app's
// shutdown and 1 s (45 s and 56 s for 30 s).
const termination = fargatekit.lbc.podTerminationOutput({ deregistrationDelaySeconds: deregistrationDelay });

// Pods after the controller (its webhook injects the readiness gates);
// Pulumi treats a dependency on the remote component as one on its children.
new k8s.apps.v1.Deployment("game-2048", {
    metadata: { name: "game-2048", namespace: ns.metadata.name, labels },
    spec: {
        replicas,
        selector: { matchLabels: labels },
        template: {
            metadata: { labels },
            spec: {
                terminationGracePeriodSeconds: termination.terminationGracePeriodSeconds,
                containers: [{
                    name: "game-2048",
                    image,
                    ports: [{ name: "http", containerPort: 80 }],
                    lifecycle: { preStop: { sleep: { seconds: termination.preStopSleepSeconds } } },
                    resources: { requests: { cpu: "250m", memory: "512Mi" } },
                }],
            },
        },
    },
}, { provider, dependsOn: [ns, controller] });

// After the controller too: its service-mutator webhook (failurePolicy Fail)
// sees every Service created while it is installed.
const service = new k8s.core.v1.Service("game-2048", {
    metadata: { name: "game-2048", namespace: ns.metadata.name, labels },
    spec: {
        type: "ClusterIP",
        selector: labels,
        ports: [{ name: "http", port: 80, targetPort: "http", protocol: "TCP" }],
    },
}, { provider, dependsOn: [ns, controller] });

// The Ingress's annotations from the package's function (Go's lbc
// IngressAnnotations, validated there): internet-facing, IP targets on
// Fargate, HTTP 80 plus HTTPS 443 with a certificate, the same
// deregistration delay as the pods' termination, and the stack's tags.
const annotations = fargatekit.lbc.ingressAnnotationsOutput({
    fargate: true,
    scheme: "internet-facing",
    targetType: "ip",
    deregistrationDelaySeconds: deregistrationDelay,
    tags,
    listenPorts: certificateArn
        ? [{ protocol: "HTTP", port: 80 }, { protocol: "HTTPS", port: 443 }]
        : [{ protocol: "HTTP", port: 80 }],
    certificateArns: certificateArn ? [certificateArn] : undefined,
}).annotations;

// Created once the controller's webhooks answer, destroyed while it still
// runs to delete the ALB and clear the Ingress's finalizer.
const ingress = new k8s.networking.v1.Ingress("game-2048", {
    metadata: { name: "game-2048", namespace: ns.metadata.name, labels, annotations },
    spec: {
        ingressClassName: "alb",
        rules: [{
            http: {
                paths: [{
                    path: "/", pathType: "Prefix",
                    backend: { service: { name: service.metadata.name, port: { name: "http" } } },
                }],
            },
        }],
    },
}, { provider, dependsOn: [service, controller] });

export const albHostname = ingress.status.loadBalancer.ingress.apply(i => i?.[0]?.hostname ?? "");
export const url = pulumi.interpolate`http://${albHostname}/`;
export const clusterName = cluster.clusterName;
export const region = cluster.region;
export const vpcId = cluster.vpcId;
export const lbcRoleArn = controller.roleArn;
export const lbcVersion = controller.version;
export const kubeconfig = cluster.kubeconfig;
