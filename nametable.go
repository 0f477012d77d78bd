package typoguard

// Names are hashed from their last byte to their first, so that one
// right-to-left scan of a domain yields the hash of each of its
// label-suffixes ("org", then "example.org") in turn: FNV-1a, backwards.
const (
	nameSeed  uint64 = 14695981039346656037
	namePrime uint64 = 1099511628211
)

func hashByte(h uint64, c byte) uint64 { return (h ^ uint64(c)) * namePrime }

// hashName returns the hash of a whole name, as a scan reaches it.
func hashName(s string) uint64 {
	h := nameSeed
	for i := len(s) - 1; i >= 0; i-- {
		h = hashByte(h, s[i])
	}
	return h
}

// nameTable is an immutable open-addressing hash table from names to
// values of type V, looked up with the hashes of hashName. Each slot holds
// a 32-bit tag of the hash and the index of the name, so that a miss
// rarely touches the names.
type nameTable[V any] struct {
	slots []uint64 // tag<<32 | index+1; 0 is empty
	shift uint8
	names []string
	vals  []V
}

// newNameTable returns a table for names, which must be distinct, with
// vals[i] the value of names[i].
func newNameTable[V any](names []string, vals []V) nameTable[V] {
	size, bits := 8, uint8(3)
	for size < 2*len(names) {
		size, bits = size*2, bits+1
	}
	t := nameTable[V]{slots: make([]uint64, size), shift: 64 - bits, names: names, vals: vals}
	mask := uint64(size - 1)
	for i, n := range names {
		h := hashName(n)
		for p := t.pos(h); ; p = (p + 1) & mask {
			if t.slots[p] == 0 {
				t.slots[p] = uint64(tagOf(h))<<32 | uint64(i+1)
				break
			}
		}
	}
	return t
}

func tagOf(h uint64) uint32 { return uint32(h) }

func (t *nameTable[V]) pos(h uint64) uint64 { return (h * 0x9e3779b97f4a7c15) >> t.shift }

// lookup returns the value of name, whose hash is h.
func (t *nameTable[V]) lookup(name string, h uint64) (*V, bool) {
	if len(t.slots) == 0 {
		return nil, false
	}
	mask := uint64(len(t.slots) - 1)
	tag := uint64(tagOf(h)) << 32
	for p := t.pos(h); ; p = (p + 1) & mask {
		s := t.slots[p]
		if s == 0 {
			return nil, false
		}
		if s&^(1<<32-1) == tag {
			if i := uint32(s) - 1; t.names[i] == name {
				return &t.vals[i], true
			}
		}
	}
}
