package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/planner-engine/planner/internal/words"
	"github.com/planner-engine/planner/pipeline"
	"github.com/planner-engine/planner/pipeline/config"
)

// oneArg takes exactly one positional argument, named what in the error.
func oneArg(what string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) != 1 {
			return usagef("%s takes one argument: %s", cmd.CommandPath(), what)
		}
		return nil
	}
}

func (a *app) archiveCmd() *cobra.Command {
	var cfgPath, to string
	var recipients []string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "archive [run folder]",
		Short: "Seal a run folder (default: the latest run) into one file only the named recipients can open",
		Long: "Archive writes a run folder as one .tar.gz.age file encrypted with age to the public keys in\n" +
			"planner.yaml's security.recipients (or --recipient), for the copies of plans that leave the\n" +
			"machine. planner decrypt opens it with a matching identity. A run with security.archive set\n" +
			"archives itself when it succeeds.",
		Example: "  planner archive --config planner.yaml\n  planner archive out/runs/20260301T020000Z --recipient age1... --to /mnt/offsite/plan.tar.gz.age",
		Args:    cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg := config.Default()
			if cfgPath != "" {
				var err error
				if cfg, err = config.Load(cfgPath); err != nil {
					return &usageError{err}
				}
			}
			name := config.Key("security")
			if len(recipients) > 0 {
				cfg.Security.Recipients = recipients
				name = func(key string) string {
					if key == "recipients" {
						return "--recipient"
					}
					return config.Key("security")(key)
				}
			}
			if err := cfg.Security.Check(name); err != nil {
				return &usageError{err}
			}
			run := ""
			if len(args) == 1 {
				run = args[0]
			}
			dir, path, n, err := pipeline.ArchiveRun(cfg, run, to)
			if err != nil {
				return err
			}
			if asJSON {
				return printJSON(a.stdout, map[string]any{"archive": path, "run": dir, "files": n, "recipients": len(cfg.Security.Recipients)})
			}
			fmt.Fprintf(a.stdout, "Sealed %d files of %s into %s for %s\n", n, dir, path, words.Plural(len(cfg.Security.Recipients), "recipient"))
			return nil
		},
	}
	cmd.Flags().StringVar(&cfgPath, "config", "", "read out, security.recipients and security.archive from this planner.yaml")
	cmd.Flags().StringSliceVar(&recipients, "recipient", nil, "an age public key to seal to (repeat for several; replaces security.recipients)")
	cmd.Flags().StringVar(&to, "to", "", "the archive file (default: <security.archive or out>/<run id>.tar.gz.age)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print one JSON object: archive, run, files, recipients")
	return cmd
}

func (a *app) decryptCmd() *cobra.Command {
	var identity, out string
	cmd := &cobra.Command{
		Use:   "decrypt ARCHIVE",
		Short: "Open a sealed archive with your identity into a new folder",
		Example: "  planner decrypt 20260301T020000Z.tar.gz.age --identity ~/.planner/key.txt\n" +
			"  planner decrypt plan.tar.gz.age --identity key.txt --out review/march",
		Args: oneArg("the archive to open"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if identity == "" {
				return usagef("--identity is needed: the file holding your secret key (from planner keygen)")
			}
			dst, names, err := pipeline.Decrypt(args[0], identity, out)
			if err != nil {
				return err
			}
			fmt.Fprintf(a.stdout, "Opened %d files into %s\n", len(names), dst)
			return nil
		},
	}
	cmd.Flags().StringVar(&identity, "identity", "", "the identity file: your secret key")
	cmd.Flags().StringVar(&out, "out", "", "the new folder to write into (default: the archive's name without .tar.gz.age)")
	return cmd
}

func (a *app) keygenCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "keygen FILE",
		Short: "Make a key pair: the secret goes to FILE (owner-only), the public key is printed for security.recipients",
		Args:  oneArg("the identity file to create"),
		RunE: func(cmd *cobra.Command, args []string) error {
			public, err := pipeline.NewKey(args[0])
			if err != nil {
				return err
			}
			fmt.Fprintln(a.stdout, public)
			return nil
		},
	}
	return cmd
}
