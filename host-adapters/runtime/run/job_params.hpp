// A job's arguments, as run_job (job.cpp) takes them in: parse_job_params (job.hpp) types the
// options; these choose the format, read the files and the input, and name who is acting.
#pragma once

#include "runtime/host/host.hpp"
#include "runtime/loader/manifest.hpp"
#include "runtime/run/job.hpp"

#include <map>
#include <string>

namespace cartera::runtime {

// --format, or the job's first format; one the job does not offer is refused (exit 2).
std::string chosen_format(const Manifest &m, const JobSpec &job, const JobInvocation &inv);

// Each file parameter's path replaced by the file's bytes (at most 512 MB, validated against the
// parameter's XSD when it names one), with <name>_name and <name>_sha256 beside it.
void read_file_params(Host &host, const JobSpec &job, std::map<std::string, OwnedValue> &params);

// The --input document of a job that reads one, validated against its type's XSD; empty for a
// job that reads none (which refuses --input).
std::string read_input(Host &host, const Manifest &m, const JobSpec &job, const JobInvocation &inv);

// The parameters as the journal records them: a file by its name and digest, not its bytes.
std::string canonical_params(const JobSpec &job, const std::map<std::string, OwnedValue> &params);

// cartera.user, cartera.department and cartera.roles: who is acting, for modules that must know.
void add_caller_params(const Identity &who, std::map<std::string, OwnedValue> &params);

} // namespace cartera::runtime
