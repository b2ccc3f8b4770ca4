package providers

import (
	"os/exec"
	"syscall"
)

// bindToParent asks the kernel to SIGKILL the plugin when the host dies.
func bindToParent(cmd *exec.Cmd) {
	if cmd.SysProcAttr == nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{}
	}
	cmd.SysProcAttr.Pdeathsig = syscall.SIGKILL
}
