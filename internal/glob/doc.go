// Package glob matches strings against the wildcard patterns AWS uses in IAM
// policies (StringLike, Action, Resource) and in EKS Fargate profile
// selectors: '*' matches any run of characters, including none, and '?'
// matches exactly one character. It is the one matcher that eksfargate and
// irsa share, so that a fix to it (such as the one FuzzMatch found: a '*' in
// the pattern must stay a wildcard even where the string holds a literal '*')
// reaches every caller.
package glob
