package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"gopkg.in/yaml.v3"

	"github.com/claimgraph/claimgraph/schema"
)

// readTokensFile reads a tokens file: a YAML list of users, each
// {name, role, sha256} where sha256 is the hex SHA-256 of the user's
// bearer token (`printf %s TOKEN | sha256sum`), never the token itself.
func readTokensFile(path string) ([]schema.User, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read tokens file: %w", err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var users []schema.User
	if err := dec.Decode(&users); err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("tokens file %s: %w", path, err)
	}
	return users, nil
}

// loadUsers reads the tokens file into a users table.
func loadUsers(path string) (*schema.Users, error) {
	list, err := readTokensFile(path)
	if err != nil {
		return nil, err
	}
	users, err := schema.NewUsers(list)
	if err != nil {
		return nil, fmt.Errorf("tokens file %s: %w", path, err)
	}
	return users, nil
}

// reloadUsersOnHUP reads the tokens file again on every SIGHUP until ctx
// ends, replacing the table of users; a file that cannot be read or is
// not sound keeps the table as it was, and says why in the log.
func reloadUsersOnHUP(ctx context.Context, path string, users *schema.Users, log *slog.Logger) {
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	go func() {
		defer signal.Stop(hup)
		for {
			select {
			case <-ctx.Done():
				return
			case <-hup:
				list, err := readTokensFile(path)
				if err == nil {
					err = users.Replace(list)
				}
				if err != nil {
					log.Error("reload tokens file: keeping the users as they were", "file", path, "err", err)
					continue
				}
				log.Info("reloaded tokens file", "file", path, "users", users.Len())
			}
		}
	}()
}
