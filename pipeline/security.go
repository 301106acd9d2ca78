package pipeline

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/planner-engine/planner/archive"
	"github.com/planner-engine/planner/internal/fsutil"
	"github.com/planner-engine/planner/pipeline/config"
)

// SetFileMode sets the permission of every file the planner writes from
// here on, written in octal ("0640"); "" means the default, 0640.
func SetFileMode(mode string) error {
	if mode == "" {
		fsutil.SetMode(fsutil.DefaultMode)
		return nil
	}
	m, err := fsutil.ParseMode(mode)
	if err != nil {
		return &InputError{Err: err}
	}
	fsutil.SetMode(m)
	return nil
}

// ArchivePath is where a run's sealed archive goes: <archive>/<run id>.tar.gz.age.
func ArchivePath(sec config.Security, runID string) string {
	return filepath.Join(sec.Archive, runID+archive.Ext)
}

// Archive seals a run folder to the security section's recipients and
// writes it to path, atomically. It returns the number of files sealed.
func Archive(runDir, path string, sec config.Security) (int, error) {
	recipients, err := sec.AgeRecipients(config.Key("security"))
	if err != nil {
		return 0, &InputError{Err: err}
	}
	if len(recipients) == 0 {
		return 0, &InputError{Err: errors.New("no recipients: name the people who may open the archive in security.recipients (their public keys, from planner keygen)")}
	}
	if st, err := os.Stat(runDir); err != nil || !st.IsDir() {
		return 0, &InputError{Err: fmt.Errorf("%s is not a run folder", runDir)}
	}
	if err := os.MkdirAll(filepath.Dir(path), fsutil.DirMode()); err != nil {
		return 0, fmt.Errorf("cannot create the archive folder: %w", err)
	}
	var n int
	err = fsutil.WriteFile(path, func(w io.Writer) error {
		var err error
		n, err = archive.Seal(w, runDir, recipients)
		return err
	})
	return n, err
}

// ArchiveRun seals a run folder (the latest run when runDir is "") to the
// security section's recipients, into path (when "": the run's
// ArchivePath, in security.archive or else the output folder). It
// returns the run folder, the archive and the number of files sealed.
func ArchiveRun(cfg *config.Config, runDir, path string) (run, out string, files int, err error) {
	if runDir == "" {
		runDir = filepath.Join(cfg.Out, "latest")
	}
	run, err = filepath.EvalSymlinks(runDir)
	if err != nil {
		return "", "", 0, &InputError{Err: fmt.Errorf("%s is not a run folder", runDir)}
	}
	sec := cfg.Security
	if path == "" {
		if sec.Archive == "" {
			sec.Archive = cfg.Out
		}
		path = ArchivePath(sec, filepath.Base(run))
	}
	files, err = Archive(run, path, sec)
	return run, path, files, err
}

// Decrypt opens a sealed archive with the identities in identityFile and
// writes its files into the new folder out (when "": the archive's name
// without its extension). It returns the folder and the names written.
func Decrypt(archivePath, identityFile, out string) (string, []string, error) {
	if out == "" {
		out = strings.TrimSuffix(filepath.Base(archivePath), archive.Ext)
		if out == filepath.Base(archivePath) {
			out += ".opened"
		}
	}
	ids, err := archive.ReadIdentities(identityFile)
	if err != nil {
		return "", nil, &InputError{Err: err}
	}
	f, err := os.Open(archivePath)
	if err != nil {
		return "", nil, &InputError{Err: fmt.Errorf("cannot read the archive %s", archivePath)}
	}
	defer f.Close()
	names, err := archive.Open(f, ids, out)
	if errors.Is(err, archive.ErrNotForYou) || errors.Is(err, archive.ErrDamaged) {
		return "", nil, &InputError{Err: fmt.Errorf("%s: %w", archivePath, err)}
	}
	if err != nil {
		return "", nil, fmt.Errorf("%s: %w", archivePath, err)
	}
	return out, names, nil
}

// NewKey writes a new identity to identityFile (readable by its owner
// only; an existing file is never overwritten) and returns its public
// key, for security.recipients.
func NewKey(identityFile string) (string, error) {
	secret, public, err := archive.NewKey()
	if err != nil {
		return "", err
	}
	f, err := os.OpenFile(identityFile, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if errors.Is(err, os.ErrExist) {
		return "", &InputError{Err: fmt.Errorf("%s already exists; a key file is never overwritten", identityFile)}
	}
	if err != nil {
		return "", fmt.Errorf("cannot write %s: %w", identityFile, err)
	}
	_, err = fmt.Fprintf(f, "# planner identity: opens archives sealed to %s\n%s\n", public, secret)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(identityFile)
		return "", fmt.Errorf("cannot write %s: %w", identityFile, err)
	}
	return public, nil
}
