// The only file that includes Python.h and pybind11 (they are heavy and define macros).
#include "ml/python/python_function.h"

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <fmt/format.h>

#include "core/column_builder.h"

namespace py = pybind11;

namespace ark::ml {
namespace {

// Debian's interpreter: its standard library and dist-packages (python3-numpy). The program name
// makes the embedded interpreter compute the same sys.path as /usr/bin/python3.
constexpr const wchar_t* kProgramName = L"/usr/bin/python3";

// "Type: message\n" plus the traceback, as Python prints it.
std::string FormatException(py::error_already_set& e) {
  try {
    py::object format = py::module_::import("traceback").attr("format_exception");
    auto or_none = [](py::handle h) {
      return h ? py::reinterpret_borrow<py::object>(h) : py::object(py::none());
    };
    py::list lines = format(or_none(e.type()), or_none(e.value()), or_none(e.trace()));
    std::string text;
    for (py::handle line : lines) text += line.cast<std::string>();
    while (!text.empty() && text.back() == '\n') text.pop_back();
    return text;
  } catch (const std::exception& inner) {
    return fmt::format("{} (the traceback could not be formatted: {})", e.what(), inner.what());
  }
}

Status StartInterpreter() {
  PyConfig config;
  PyConfig_InitPythonConfig(&config);
  // Leave SIGINT and SIGTERM to the engine; PYTHONHOME/PYTHONPATH of another interpreter (the
  // python3 first on PATH may not be Debian's) must not redirect the standard library.
  config.install_signal_handlers = 0;
  config.use_environment = 0;
  config.parse_argv = 0;
  config.user_site_directory = 0;
  PyStatus st = PyConfig_SetString(&config, &config.program_name, kProgramName);
  if (!PyStatus_Exception(st)) st = Py_InitializeFromConfig(&config);
  PyConfig_Clear(&config);
  if (PyStatus_Exception(st)) {
    return Status::ConfigError("python: the embedded interpreter did not start: {}",
                               st.err_msg ? st.err_msg : "unknown error");
  }
  Status result;
  {
    py::gil_scoped_acquire gil;  // re-entrant: the init thread holds it already
    try {
      py::module_::import("numpy");
    } catch (py::error_already_set& e) {
      result = Status::ConfigError(
          "python: numpy does not import into the embedded interpreter (Debian package "
          "python3-numpy):\n{}",
          FormatException(e));
    }
  }
  // The GIL is taken by each call (PyGILState_Ensure) and released in between.
  PyEval_SaveThread();
  return result;
}

// Starts the interpreter once per process; never finalized (processors may run until exit, and
// CPython does not support re-initializing numpy).
const Status& StartInterpreterOnce() {
  static const Status* status = new Status(StartInterpreter());
  return *status;
}

// ---- batch → dict of numpy arrays ----

template <typename T>
py::array View(const ColumnPtr& column) {
  if (column->length() == 0) return py::array_t<T>(0);
  // The capsule keeps the column (and its buffers) alive as long as the array.
  py::capsule owner(new ColumnPtr(column), [](void* p) { delete static_cast<ColumnPtr*>(p); });
  py::array a(py::dtype::of<T>(), {column->length()}, {static_cast<py::ssize_t>(sizeof(T))},
              column->data<T>(), owner);
  // Columns are immutable and shared: writing into the view is refused by numpy.
  py::detail::array_proxy(a.ptr())->flags &= ~py::detail::npy_api::NPY_ARRAY_WRITEABLE_;
  return a;
}

py::object ObjectArray(const Column& c) {
  const int64_t n = c.length();
  py::array out(py::dtype("O"), std::vector<py::ssize_t>{n});
  auto** slots = static_cast<PyObject**>(out.mutable_data());
  for (int64_t i = 0; i < n; ++i) {
    py::object v;
    if (!c.IsValid(i)) {
      v = py::none();
    } else {
      switch (c.type_id()) {
        case TypeId::kBool:
          v = py::bool_(c.GetBool(i));
          break;
        case TypeId::kInt32:
          v = py::int_(c.data<int32_t>()[i]);
          break;
        case TypeId::kInt64:
          v = py::int_(c.data<int64_t>()[i]);
          break;
        case TypeId::kFloat32:
          v = py::float_(c.data<float>()[i]);
          break;
        case TypeId::kFloat64:
          v = py::float_(c.data<double>()[i]);
          break;
        case TypeId::kString:
          v = py::str(c.GetView(i).data(), c.GetView(i).size());
          break;
        case TypeId::kBinary:
          v = py::bytes(c.GetView(i).data(), c.GetView(i).size());
          break;
        default:
          v = py::none();
          break;
      }
    }
    Py_XDECREF(slots[i]);  // numpy fills new object arrays with None
    slots[i] = v.release().ptr();
  }
  return out;
}

Result<py::object> ToPython(const Column& c, const ColumnPtr& ptr, const std::string& name) {
  switch (c.type_id()) {
    case TypeId::kInt32:
    case TypeId::kInt64:
    case TypeId::kFloat32:
    case TypeId::kFloat64:
      if (c.has_nulls()) return ObjectArray(c);
      if (c.type_id() == TypeId::kInt32) return py::object(View<int32_t>(ptr));
      if (c.type_id() == TypeId::kInt64) return py::object(View<int64_t>(ptr));
      if (c.type_id() == TypeId::kFloat32) return py::object(View<float>(ptr));
      return py::object(View<double>(ptr));
    case TypeId::kBool: {
      if (c.has_nulls()) return ObjectArray(c);
      py::array_t<bool> a(c.length());
      bool* out = a.mutable_data();
      for (int64_t i = 0; i < c.length(); ++i) out[i] = c.GetBool(i);
      return py::object(std::move(a));
    }
    case TypeId::kString:
    case TypeId::kBinary:
      return ObjectArray(c);
    default:
      return Status::InvalidArgument(
          "python: column \"{}\" is {}, which is not passed to Python (supported: {}); cast it "
          "first, e.g. with a sql processor",
          name, c.type().ToString(), kPythonTypes);
  }
}

// ---- returned columns → Column ----

template <typename T>
ColumnPtr CopyNumeric(const py::array& a, DataType type) {
  py::array_t<T, py::array::c_style | py::array::forcecast> c(a);
  std::string_view bytes(reinterpret_cast<const char*>(c.data()),
                         static_cast<size_t>(c.size()) * sizeof(T));
  return Column::Make(std::move(type), c.size(), {nullptr, Buffer::Copy(bytes)}, {}, 0);
}

// An object array or list: typed by its values.
Result<ColumnPtr> FromObjects(const py::sequence& values, const std::string& where) {
  enum Kind { kNone, kBool, kInt, kFloat, kStr, kBytes };
  Kind kind = kNone;
  const auto n = static_cast<int64_t>(py::len(values));
  py::module_ numpy = py::module_::import("numpy");
  py::object np_bool = numpy.attr("bool_"), np_integer = numpy.attr("integer"),
             np_floating = numpy.attr("floating");
  std::vector<py::object> items;
  items.reserve(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) {
    py::object v = values[static_cast<size_t>(i)];
    Kind k;
    if (v.is_none()) {
      k = kNone;
    } else if (py::isinstance<py::bool_>(v) || py::isinstance(v, np_bool)) {
      k = kBool;
    } else if (py::isinstance<py::int_>(v) || py::isinstance(v, np_integer)) {
      k = kInt;
    } else if (py::isinstance<py::float_>(v) || py::isinstance(v, np_floating)) {
      k = kFloat;
    } else if (py::isinstance<py::str>(v)) {
      k = kStr;
    } else if (py::isinstance<py::bytes>(v)) {
      k = kBytes;
    } else {
      return Status::InvalidArgument(
          "{}, row {}: a {} value; expected str, bytes, bool, int, float or None", where, i,
          py::str(py::type::handle_of(v).attr("__name__")).cast<std::string>());
    }
    if (k != kNone && kind != k) {
      if (kind == kNone) {
        kind = k;
      } else if ((kind == kInt && k == kFloat) || (kind == kFloat && k == kInt)) {
        kind = kFloat;
      } else {
        return Status::InvalidArgument(
            "{}: mixes value types (row {} is a {}); one type per column", where, i,
            py::str(py::type::handle_of(v).attr("__name__")).cast<std::string>());
      }
    }
    items.push_back(std::move(v));
  }
  auto fill = [&](ColumnBuilder& b, auto&& append) {
    b.Reserve(n);
    for (const py::object& v : items) {
      if (v.is_none()) {
        b.AppendNull();
      } else {
        append(v);
      }
    }
    return b.Finish();
  };
  switch (kind) {
    case kBool: {
      BoolBuilder b;
      return fill(b, [&](const py::object& v) { b.Append(py::cast<bool>(v)); });
    }
    case kInt: {
      Int64Builder b(DataType::Int64());
      return fill(b, [&](const py::object& v) { b.Append(py::cast<int64_t>(v)); });
    }
    case kFloat: {
      Float64Builder b(DataType::Float64());
      return fill(b, [&](const py::object& v) { b.Append(py::cast<double>(v)); });
    }
    case kBytes: {
      BinaryBuilder b;
      return fill(b, [&](const py::object& v) { b.Append(py::cast<std::string>(v)); });
    }
    case kStr:
    case kNone: {  // all None: a string column of nulls
      StringBuilder b;
      return fill(b, [&](const py::object& v) { b.Append(py::cast<std::string>(v)); });
    }
  }
  return Status::Internal("{}: unreachable", where);
}

Result<ColumnPtr> FromPython(const py::handle& value, const std::string& where) {
  if (py::isinstance<py::array>(value)) {
    py::array a = py::reinterpret_borrow<py::array>(value);
    if (a.ndim() != 1) {
      return Status::InvalidArgument("{}: a numpy array of {} dimensions; expected one", where,
                                     a.ndim());
    }
    const char kind = a.dtype().kind();
    const auto size = a.dtype().itemsize();
    switch (kind) {
      case 'b': {
        py::array_t<bool, py::array::c_style | py::array::forcecast> b(a);
        BoolBuilder out;
        out.Reserve(b.size());
        for (py::ssize_t i = 0; i < b.size(); ++i) out.Append(b.data()[i]);
        return out.Finish();
      }
      case 'i':
        if (size == 4) return CopyNumeric<int32_t>(a, DataType::Int32());
        return CopyNumeric<int64_t>(a, DataType::Int64());
      case 'u':
        if (size == 8) {
          return Status::InvalidArgument(
              "{}: a uint64 numpy array; convert it to int64 (values above 2^63 do not fit)",
              where);
        }
        return CopyNumeric<int64_t>(a, DataType::Int64());
      case 'f':
        if (size <= 4) return CopyNumeric<float>(a, DataType::Float32());
        if (size == 8) return CopyNumeric<double>(a, DataType::Float64());
        break;
      case 'O':
      case 'U':
      case 'S':
        return FromObjects(py::reinterpret_borrow<py::sequence>(a), where);
      default:
        break;
    }
    return Status::InvalidArgument(
        "{}: a numpy array of dtype {}; expected bool, integer, float, str, bytes or object", where,
        py::str(a.dtype()).cast<std::string>());
  }
  if (py::isinstance<py::list>(value) || py::isinstance<py::tuple>(value)) {
    return FromObjects(py::reinterpret_borrow<py::sequence>(value), where);
  }
  return Status::InvalidArgument(
      "{}: a {}; expected a numpy array or a list", where,
      py::str(py::type::handle_of(value).attr("__name__")).cast<std::string>());
}

Result<Batch> BatchFromMapping(const py::handle& result, const std::string& what) {
  if (!py::isinstance<py::dict>(result)) {
    return Status::InvalidArgument(
        "{} returned a {}; expected a dict of column name → numpy array or list, a list of "
        "such dicts, or None",
        what, py::str(py::type::handle_of(result).attr("__name__")).cast<std::string>());
  }
  py::dict d = py::reinterpret_borrow<py::dict>(result);
  if (d.empty()) return Status::InvalidArgument("{} returned a dict without columns", what);
  std::vector<Field> fields;
  std::vector<ColumnPtr> columns;
  int64_t rows = -1;
  std::string first;
  for (auto [key, value] : d) {
    if (!py::isinstance<py::str>(key)) {
      return Status::InvalidArgument(
          "{} returned a dict with a {} key; column names are str", what,
          py::str(py::type::handle_of(key).attr("__name__")).cast<std::string>());
    }
    std::string name = key.cast<std::string>();
    ARK_ASSIGN_OR_RETURN(ColumnPtr c,
                         FromPython(value, fmt::format("{}: column \"{}\"", what, name)));
    if (rows < 0) {
      rows = c->length();
      first = name;
    } else if (c->length() != rows) {
      return Status::InvalidArgument(
          "{}: column \"{}\" has {} rows but column \"{}\" has {}; all columns need the same "
          "length",
          what, name, c->length(), first, rows);
    }
    fields.emplace_back(std::move(name), c->type());
    columns.push_back(std::move(c));
  }
  return Batch(Schema::Make(std::move(fields)), std::move(columns), rows);
}

}  // namespace

bool IsPythonType(TypeId id) {
  switch (id) {
    case TypeId::kBool:
    case TypeId::kInt32:
    case TypeId::kInt64:
    case TypeId::kFloat32:
    case TypeId::kFloat64:
    case TypeId::kString:
    case TypeId::kBinary:
      return true;
    default:
      return false;
  }
}

struct PythonFunction::Impl {
  py::object function;
  py::object scope;  // the module (or script namespace) the function lives in
};

PythonFunction::PythonFunction(std::unique_ptr<Impl> impl, std::string name)
    : impl_(std::move(impl)), name_(std::move(name)) {}

PythonFunction::~PythonFunction() {
  py::gil_scoped_acquire gil;
  impl_.reset();
}

Result<std::unique_ptr<PythonFunction>> PythonFunction::Load(const PythonFunctionOptions& options) {
  if (options.script.empty() == options.module.empty()) {
    return Status::ConfigError("python: set exactly one of `script` (inline code) and `module`");
  }
  if (options.function.empty()) {
    return Status::ConfigError("python: `function` must name the function to call");
  }
  ARK_RETURN_IF_ERROR(StartInterpreterOnce());
  py::gil_scoped_acquire gil;
  auto impl = std::make_unique<Impl>();
  const std::string source = options.script.empty() ? fmt::format("module \"{}\"", options.module)
                                                    : std::string("`script`");
  try {
    py::list path = py::module_::import("sys").attr("path");
    for (auto it = options.python_path.rbegin(); it != options.python_path.rend(); ++it) {
      if (!path.contains(py::str(*it))) path.insert(0, py::str(*it));
    }
    if (!options.script.empty()) {
      py::module_ types = py::module_::import("types");
      py::object module = types.attr("ModuleType")("arkflow_script");
      py::dict globals = module.attr("__dict__");
      py::object code =
          py::module_::import("builtins").attr("compile")(options.script, "<script>", "exec");
      py::module_::import("builtins").attr("exec")(code, globals);
      impl->scope = module;
    } else {
      impl->scope = py::module_::import(options.module.c_str());
    }
    if (!py::hasattr(impl->scope, options.function.c_str())) {
      return Status::ConfigError("python: {} has no function \"{}\"", source, options.function);
    }
    impl->function = impl->scope.attr(options.function.c_str());
    if (!PyCallable_Check(impl->function.ptr())) {
      return Status::ConfigError(
          "python: \"{}\" in {} is a {}, not a function", options.function, source,
          py::str(py::type::handle_of(impl->function).attr("__name__")).cast<std::string>());
    }
  } catch (py::error_already_set& e) {
    return Status::ConfigError("python: {} failed to load:\n{}", source, FormatException(e));
  }
  return std::unique_ptr<PythonFunction>(new PythonFunction(std::move(impl), options.function));
}

Result<std::vector<Batch>> PythonFunction::Call(const Batch& batch) const {
  py::gil_scoped_acquire gil;
  const std::string what = fmt::format("python function \"{}\"", name_);
  try {
    py::dict columns;
    for (int i = 0; i < batch.num_columns(); ++i) {
      const std::string& name = batch.schema()->field(i).name;
      ARK_ASSIGN_OR_RETURN(py::object v, ToPython(*batch.column(i), batch.column(i), name));
      columns[py::str(name)] = std::move(v);
    }
    py::object result;
    try {
      result = impl_->function(columns);
    } catch (py::error_already_set& e) {
      std::string type = py::str(e.type().attr("__name__")).cast<std::string>();
      return Status::InvalidArgument("{} raised {}:\n{}", what, type, FormatException(e));
    }
    std::vector<Batch> out;
    if (result.is_none()) return out;
    if (py::isinstance<py::list>(result) || py::isinstance<py::tuple>(result)) {
      py::sequence items = py::reinterpret_borrow<py::sequence>(result);
      for (size_t i = 0; i < py::len(items); ++i) {
        ARK_ASSIGN_OR_RETURN(Batch b,
                             BatchFromMapping(items[i], fmt::format("{} (batch {})", what, i)));
        out.push_back(std::move(b));
      }
      return out;
    }
    ARK_ASSIGN_OR_RETURN(Batch b, BatchFromMapping(result, what));
    out.push_back(std::move(b));
    return out;
  } catch (py::error_already_set& e) {
    return Status::InvalidArgument("{}: converting the columns failed:\n{}", what,
                                   FormatException(e));
  } catch (const py::cast_error& e) {
    return Status::InvalidArgument("{}: converting the columns failed: {}", what, e.what());
  }
}

Result<ColumnPtr> PythonFunction::CallColumns(std::span<const ColumnPtr> args,
                                              const std::string& what) const {
  py::gil_scoped_acquire gil;
  try {
    py::tuple arguments(args.size());
    for (size_t i = 0; i < args.size(); ++i) {
      ARK_ASSIGN_OR_RETURN(py::object v,
                           ToPython(*args[i], args[i], fmt::format("argument {}", i + 1)));
      arguments[i] = std::move(v);
    }
    py::object result;
    try {
      result = impl_->function(*arguments);
    } catch (py::error_already_set& e) {
      std::string type = py::str(e.type().attr("__name__")).cast<std::string>();
      return Status::InvalidArgument("{} raised {}:\n{}", what, type, FormatException(e));
    }
    return FromPython(result, fmt::format("{} returned", what));
  } catch (py::error_already_set& e) {
    return Status::InvalidArgument("{}: converting the values failed:\n{}", what,
                                   FormatException(e));
  } catch (const py::cast_error& e) {
    return Status::InvalidArgument("{}: converting the values failed: {}", what, e.what());
  }
}

}  // namespace ark::ml
