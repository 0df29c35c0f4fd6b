// Package golden compares test output with golden files and defines, once for
// every test binary that imports it, the -update flag that rewrites them:
//
//	func TestRender(t *testing.T) {
//		got := render()
//		golden.Assert(t, "testdata/render.json", got)
//	}
//
// go test runs the comparison; go test -update writes got to the file instead
// (creating its directory), so that a change of output is reviewed as a diff
// of the golden files. A package that imports golden must not define a flag
// of its own named "update".
package golden
