package cluster

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
)

// ReadSnapshotFile reads a snapshot file written by WriteSnapshot.
func ReadSnapshotFile(path string) (*Snapshot, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, unwrapPathError(err))
	}
	defer f.Close()
	s, err := ReadSnapshot(bufio.NewReaderSize(f, 1<<20))
	if err != nil {
		return nil, &InputError{Path: path, Err: err}
	}
	return s, nil
}

// ReadSnapshot decodes a snapshot and checks its schema version.
func ReadSnapshot(r io.Reader) (*Snapshot, error) {
	var s Snapshot
	if err := json.NewDecoder(r).Decode(&s); err != nil {
		return nil, fmt.Errorf("decode snapshot: %w", err)
	}
	if err := checkSchemaVersion(s.SchemaVersion); err != nil {
		return nil, err
	}
	if s.OriginalSource == "" {
		s.OriginalSource = s.Source
	}
	s.Source = SourceSnapshot
	return &s, nil
}

// WriteSnapshot encodes s as JSON.
func WriteSnapshot(w io.Writer, s *Snapshot) error {
	bw := bufio.NewWriterSize(w, 1<<20)
	if err := json.NewEncoder(bw).Encode(s); err != nil {
		return fmt.Errorf("encode snapshot: %w", err)
	}
	return bw.Flush()
}

// checkSchemaVersion accepts "seaworthy.snapshot/vN" with N no greater than
// this build's.
func checkSchemaVersion(v string) error {
	const prefix = "seaworthy.snapshot/v"
	mine, _ := strconv.Atoi(strings.TrimPrefix(SchemaVersion, prefix))
	if !strings.HasPrefix(v, prefix) {
		return fmt.Errorf("not a seaworthy snapshot (schemaVersion %q)", v)
	}
	n, err := strconv.Atoi(strings.TrimPrefix(v, prefix))
	if err != nil {
		return fmt.Errorf("not a seaworthy snapshot (schemaVersion %q)", v)
	}
	if n > mine {
		return fmt.Errorf("snapshot schema %s is newer than this seaworthy reads (%s): upgrade seaworthy", v, SchemaVersion)
	}
	return nil
}
