// Spectral function for the rule klarna-inline-schema-names.
// Generators name an inline schema (an anyOf/oneOf/allOf, an enum or an object declared inside a
// property) after its parent and property: OrderLine.type becomes "OrderLineType". When that
// name is already a component (the enum OrderLineType), openapi-generator's clients break (its
// Python client recursed forever). Such a schema needs a `title` that is no component's name.
// The rule runs on the document as written (`resolved: false`): a property that is a `$ref` is
// named by its target component, so it is never inline, whatever that component holds.
"use strict";

const pascal = (text) =>
  String(text)
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((part) => part[0].toUpperCase() + part.slice(1))
    .join("");

const isInline = (schema) =>
  schema &&
  typeof schema === "object" &&
  !schema.$ref &&
  Boolean(schema.anyOf || schema.oneOf || schema.allOf || schema.enum || schema.properties);

module.exports = (schemas, _options, context) => {
  if (!schemas || typeof schemas !== "object") return [];
  const names = new Set(Object.keys(schemas));
  const results = [];
  for (const [schemaName, schema] of Object.entries(schemas)) {
    for (const [property, sub] of Object.entries((schema && schema.properties) || {})) {
      if (!isInline(sub)) continue;
      const path = [...context.path, schemaName, "properties", property];
      if (sub.title === undefined) {
        const generated = pascal(schemaName) + pascal(property);
        if (names.has(generated)) {
          results.push({
            message: `${schemaName}.${property} is an inline schema that generators name ${generated}, the name of a component: give it a title`,
            path,
          });
        }
      } else if (names.has(sub.title)) {
        results.push({
          message: `${schemaName}.${property} has the title ${sub.title}, the name of a component`,
          path,
        });
      }
    }
  }
  return results;
};
