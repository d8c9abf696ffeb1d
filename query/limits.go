package query

// Leaves returns the parts of n a search looks up one by one — words,
// phrases, prefixes, field filters and date ranges — in the order they
// were written. A limit on the size of a query counts these.
func Leaves(n Node) []Node {
	var out []Node
	var walk func(Node)
	walk = func(n Node) {
		switch n.Op {
		case OpAll:
		case OpAnd, OpOr, OpNot:
			for _, c := range n.Children {
				walk(c)
			}
		default:
			out = append(out, n)
		}
	}
	walk(n)
	return out
}
