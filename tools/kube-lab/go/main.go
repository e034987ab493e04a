// kube-lab-bin: one multi-call binary for the local control plane, so the module is built and linked once.
//
//	kube-lab-bin certs --dir DIR                  (CA, serving cert, service account keys)
//	kube-lab-bin etcd --data-dir DIR --listen-client URL --listen-peer URL
//	kube-lab-bin kube-apiserver [flags]           (k8s.io/kubernetes/cmd/kube-apiserver)
//	kube-lab-bin kube-controller-manager [flags]  (k8s.io/kubernetes/cmd/kube-controller-manager)
//	kube-lab-bin kube-scheduler [flags]           (k8s.io/kubernetes/cmd/kube-scheduler)
//	kube-lab-bin kubectl [args]                   (k8s.io/kubernetes/cmd/kubectl)
package main

import (
	"fmt"
	"os"

	"k8s.io/component-base/cli"
	kubectlcmd "k8s.io/kubectl/pkg/cmd"
	kubectlutil "k8s.io/kubectl/pkg/cmd/util"
	apiserver "k8s.io/kubernetes/cmd/kube-apiserver/app"
	controllermanager "k8s.io/kubernetes/cmd/kube-controller-manager/app"
	scheduler "k8s.io/kubernetes/cmd/kube-scheduler/app"
)

func usage() {
	fmt.Fprintln(os.Stderr, "usage: kube-lab-bin certs|etcd|kube-apiserver|kube-controller-manager|kube-scheduler|kubectl [args]")
	os.Exit(2)
}

func main() {
	if len(os.Args) < 2 {
		usage()
	}
	name := os.Args[1]
	// Each upstream command parses os.Args[1:] through cobra: drop our sub-command word first.
	os.Args = append([]string{name}, os.Args[2:]...)
	switch name {
	case "certs":
		os.Exit(runCerts(os.Args[1:]))
	case "etcd":
		os.Exit(runEtcd(os.Args[1:]))
	case "kube-apiserver":
		os.Exit(cli.Run(apiserver.NewAPIServerCommand()))
	case "kube-controller-manager":
		os.Exit(cli.Run(controllermanager.NewControllerManagerCommand()))
	case "kube-scheduler":
		os.Exit(cli.Run(scheduler.NewSchedulerCommand()))
	case "kubectl":
		command := kubectlcmd.NewDefaultKubectlCommand()
		if err := cli.RunNoErrOutput(command); err != nil {
			kubectlutil.CheckErr(err)
		}
	default:
		usage()
	}
}
