package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/klimabot/klimabot/storage/storagetest"
)

// runGen builds the store of SPEC's quality bars into a new file.
func runGen(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("klimaload gen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	db := fs.String("db", "", "new database file")
	size := storagetest.Quality
	fs.IntVar(&size.Measures, "measures", size.Measures, "measures (six steps, one deadline each)")
	fs.IntVar(&size.Entries, "entries", size.Entries, "progress entries")
	if err := fs.Parse(args); err != nil {
		return usageError{err}
	}
	if *db == "" || size.Measures < 1 || size.Entries < 0 {
		return usageError{fmt.Errorf("gen: --db PATH is required; --measures at least 1")}
	}
	if _, err := os.Stat(*db); err == nil {
		return usageError{fmt.Errorf("gen: %s exists", *db)}
	}
	start := time.Now()
	if err := storagetest.Build(ctx, *db, size); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s: %d measures (M.00000 …), %d entries, built in %s\n", *db, size.Measures, size.Entries, time.Since(start).Round(time.Millisecond))
	return nil
}
