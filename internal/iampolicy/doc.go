// Package iampolicy models AWS IAM policy documents exactly as IAM's JSON grammar
// defines them, so that every fargatekit package renders trust and permission
// policies through one set of types.
//
// The types marshal to canonical JSON: keys in a stable order, a single-valued
// Action, Resource or condition value written as a bare string and several as a
// list, no HTML escaping, and no insignificant whitespace. [Parse] reads any
// grammatical form (string or list, boolean or number condition values) back into
// the same types, so Parse(Marshal(d)) is the identity on canonical documents.
//
// [Document.Size] reports the size IAM charges against its quotas (for example the
// 2,048-character ACLSizePerRole limit on a role's trust policy): the length of the
// document with all whitespace outside strings removed.
package iampolicy
