package jepsen

import (
	"fmt"
	"os"
	"os/exec"
	"time"
)

// testRoleEnv makes the test binary play a process: "harness" starts a "server" the way
// server.start does, prints its pid and waits to be killed; "server" sleeps;
// "docker-harness" makes containers mode's image and network, prints the run's name and
// waits to be killed.
const testRoleEnv = "SIMFUZZ_JEPSEN_TEST_ROLE"

// testBinaryEnv names the static server binary of the "docker-harness" role.
const testBinaryEnv = "SIMFUZZ_JEPSEN_TEST_BINARY"

func playRole(role string) int {
	switch role {
	case "server":
		time.Sleep(time.Minute)
		return 0
	case "docker-harness": // containers mode's image and network, then wait to be killed
		d, err := newDockerEnv(os.Getenv(testBinaryEnv), os.TempDir())
		if err != nil {
			fmt.Println("error:", err)
			return 2
		}
		fmt.Println(d.run)
		time.Sleep(time.Minute)
		return 0
	case "harness":
		cmd := exec.Command(os.Args[0])
		cmd.Env = append(os.Environ(), testRoleEnv+"=server")
		cmd.SysProcAttr = serverProcAttr()
		if err := startProcess(cmd); err != nil {
			fmt.Println("error:", err)
			return 2
		}
		fmt.Println(cmd.Process.Pid)
		time.Sleep(time.Minute)
		return 0
	}
	return 2
}
