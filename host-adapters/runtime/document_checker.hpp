// Checks a run's emitted documents against their manifest (root namespace, XSD) while the
// module is still running: validation is most of what a document costs (an approval may emit
// 90,000), and the module's thread is busy with the database meanwhile, so the other cores
// validate what it has already emitted. finish() helps with what is left and reports the first
// invalid document in emission order, whichever thread found it.
#pragma once

#include "runtime/call.hpp"

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace cartera::runtime {

struct Manifest;
class SchemaSet;

class DocumentChecker {
public:
  // docs must keep its elements in place while they are checked (a deque, appended to only).
  DocumentChecker(SchemaSet &schemas, const Manifest &manifest, const std::deque<EmittedDocument> &docs);
  ~DocumentChecker();
  DocumentChecker(const DocumentChecker &) = delete;
  DocumentChecker &operator=(const DocumentChecker &) = delete;

  // docs[index] was just appended.
  void submit(std::size_t index);

  // Waits for every submitted document; returns "source:line: message" of the first invalid
  // one, or empty when all are valid.
  std::string finish();

private:
  void work();
  bool take(std::size_t &index);
  void check(std::size_t index);

  SchemaSet &schemas_;
  const Manifest &manifest_;
  const std::deque<EmittedDocument> &docs_;
  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<std::size_t> queue_;
  bool closing_ = false;
  std::size_t first_bad_;
  std::string first_error_;
  std::vector<std::thread> workers_;
};

} // namespace cartera::runtime
