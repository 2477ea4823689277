"""The docks around the workspaces: data, schedule, training and entropy bounds. Each is a
package of its panel widgets and, where it talks to the engine, a small controller."""
