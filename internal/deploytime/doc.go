// Package deploytime estimates how long `pulumi up` of a recorded resource graph
// takes on AWS. It walks the graph that internal/mockstack records, gives every
// custom resource a typical create latency from a table of published (or, where
// AWS publishes none, observed) figures, and computes the critical path: the
// longest chain of resources that must be created one after another. The
// critical path is the estimate; the sum of all latencies is shown beside it as
// the time a strictly serial tool would take. Every figure names its source.
//
// It is an estimate: real latencies vary by region, account and load.
package deploytime
