package app

import (
	"fmt"
	"net"
	"os"

	"registrar/app/ops"
)

// OpsConfig is what the people who run Registrar set for watching it.
type OpsConfig struct {
	// MinFreeDisk is REGISTRAR_MIN_FREE_DISK: below this much free space on the data folder's
	// disk new applications and uploads are refused (default: 5 % or 500 MB, whichever is larger).
	MinFreeDisk ops.Threshold
	// SpaceOf measures the disk; nil measures it with statfs. Tests give a disk of their own.
	SpaceOf ops.SpaceOf
	// MetricsAddr is REGISTRAR_METRICS_ADDR: where Prometheus metrics are served, apart from the
	// site; empty serves none. Only a loopback address unless REGISTRAR_METRICS_PUBLIC=1.
	MetricsAddr string
	// Version is the build's version (git describe), set by the command.
	Version string
	// LitestreamSocket is REGISTRAR_LITESTREAM_SOCKET: where the Litestream that replicates the
	// database answers how far the replica is (its `socket:` setting); by default
	// litestream.sock in the data folder, as deploy/litestream.yml puts it.
	LitestreamSocket string
	// WALLimit is the write-ahead log's size past which a server that leaves checkpoints to
	// Litestream warns (0: ops.DefaultWALLimit); tests set a small one.
	WALLimit int64
}

func opsFromEnv(c *OpsConfig) error {
	var err error
	if c.MinFreeDisk, err = ops.ParseThreshold(os.Getenv("REGISTRAR_MIN_FREE_DISK")); err != nil {
		return fmt.Errorf("config: REGISTRAR_MIN_FREE_DISK must be %w", err)
	}
	c.LitestreamSocket = os.Getenv("REGISTRAR_LITESTREAM_SOCKET")
	c.MetricsAddr = os.Getenv("REGISTRAR_METRICS_ADDR")
	public, err := envBool("REGISTRAR_METRICS_PUBLIC")
	if err != nil || c.MetricsAddr == "" || public {
		return err
	}
	host, _, err := net.SplitHostPort(c.MetricsAddr)
	if err != nil {
		return fmt.Errorf("config: REGISTRAR_METRICS_ADDR must be host:port, such as 127.0.0.1:9090: %w", err)
	}
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return fmt.Errorf("config: REGISTRAR_METRICS_ADDR %q is not a loopback address; metrics tell the load and "+
			"the backlog to anyone who can reach them: use 127.0.0.1:PORT, or set REGISTRAR_METRICS_PUBLIC=1 "+
			"behind a firewall", c.MetricsAddr)
	}
	return nil
}
