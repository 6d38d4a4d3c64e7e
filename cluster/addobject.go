package cluster

import "fmt"

// AddObjectWith decodes one JSON-encoded object of apiVersion/kind into s
// with dec, as AddObject does with encoding/json. It lets a source decode
// with a faster decoder (one that must agree with StrictDecode whenever it
// succeeds) and fall back to AddObject when it fails.
func (s *Snapshot) AddObjectWith(apiVersion, kind string, data []byte, dec DecodeFunc) error {
	k, ok := LookupKind(apiVersion, kind)
	if !ok {
		return fmt.Errorf("%s %s is not a kind seaworthy reads", apiVersion, kind)
	}
	return k.decode(s, apiVersion, data, dec)
}
